import Foundation
public import Logging
public import ServiceLifecycle
import UnixSignals

/// How every role that works on the store runs as a process: open the store (creating the SQLite directory), run
/// the store's own service (PostgreSQL's pool) and the role's services in one `ServiceGroup` that shuts down
/// gracefully on SIGTERM or SIGINT, and close the store on every path.
public enum StoreProcess {
    /// - Parameters:
    ///   - store: `""`, `sqlite:PATH` or a `postgres://` URL (see ``StoreLocation``).
    ///   - services: the role's services for the opened store and its location; the first ends the group when it
    ///     returns or fails.
    public static func run(
        store: String, dataDirectory: String, logger: Logger,
        services: (OpenedStore, StoreLocation) throws -> [any Service]
    ) async throws {
        let location = try StoreLocation(parsing: store, dataDirectory: dataDirectory)
        if case .sqlite(let path) = location {
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        logger.info("opening store \(location)")
        let opened = try await location.open(logger: logger)
        do {
            let roles = try services(opened, location)
            var configurations: [ServiceGroupConfiguration.ServiceConfiguration] = opened.service.map { [.init(service: $0)] } ?? []
            for (index, role) in roles.enumerated() {
                configurations.append(index == 0
                    ? .init(service: role, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
                    : .init(service: role))
            }
            let group = ServiceGroup(configuration: .init(services: configurations, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            await opened.store.close()
            throw error
        }
        await opened.store.close()
    }
}
