import Foundation
public import Logging
import ServiceLifecycle
import UnixSignals

/// Runs `iam authz` until SIGTERM or SIGINT.
public enum AuthzProcess {
    public static func run(configuration: AuthzConfiguration, logger: Logger) async throws {
        if configuration.analyticsEnabled {
            let directory = (configuration.effectiveSpoolFile as NSString).deletingLastPathComponent
            if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        }
        let service = AuthzService(configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                                 failureTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
