import IAMConfiguration
import IAMStore
public import Logging
import ManagementHTTP
import ServiceLifecycle

/// Opens the store and runs `iam watcher` with its health listener until SIGTERM or SIGINT.
public enum WatcherProcess {
    public static func run(configuration: WatcherConfiguration, logger: Logger) async throws {
        try await StoreProcess.run(store: configuration.store, dataDirectory: configuration.dataDirectory, logger: logger) { opened, location in
            var lockPath: String?
            if case .sqlite(let path) = location { lockPath = path + ".watcher.lock" }
            let watcher = WatcherService(store: opened.store, configuration: configuration, lockPath: lockPath, logger: logger)
            let health = try ManagementListener(address: configuration.healthCheckAddress, routes: [.health(configuration.healthCheckPath)], logger: logger)
            return [opened.service == nil ? watcher : MigrateThen(store: opened.store, service: watcher), health]
        }
    }
}
