import ArgumentParser
import Foundation
import IAMConfiguration
import Watcher

/// `iam watcher`: scheduled housekeeping.
struct WatcherCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watcher",
        abstract: "Scheduled housekeeping: purge old policy_audit rows, disable inactive users; one run per interval across all watchers.",
        discussion: """
            Reads the same store as the apiservers. Leadership: a PostgreSQL advisory lock, or a lock file next to \
            the SQLite database. Health on health-check-address. Settings come from defaults, a YAML file (-c FILE), \
            IAM_WATCHER_* variables, then flags.

            Settings:
            \(WatcherConfiguration.keysHelp)
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "Settings as --name value (see below), -c FILE for a YAML file.")
    var settings: [String] = []

    func run() async throws {
        try await RoleRunner.run(
            "watcher", load: { () throws(ConfigurationError) in
                try WatcherConfiguration.load(arguments: settings, environment: ProcessInfo.processInfo.environment)
            }, logLevel: \.logLevel, WatcherProcess.run)
    }
}
