import Analytics
import ArgumentParser
import Foundation
import IAMConfiguration

/// `iam pump`: drains the audit queue into sinks.
struct PumpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pump",
        abstract: "Drains audit records from the store's queue, in batches, into csv/jsonl files, an archive table, Prometheus or stdout.",
        discussion: """
            Reads the same store as the apiservers. Several pumps may run on PostgreSQL (FOR UPDATE SKIP LOCKED: no \
            record is delivered twice). Health on health-check-address. Settings come from defaults, a YAML file \
            (-c FILE, marmotedu/iam's pumps: shape), IAM_PUMP_* variables, then flags.

            Settings:
            \(PumpConfiguration.keysHelp)
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "Settings as --name value (see below), -c FILE for a YAML file.")
    var settings: [String] = []

    func run() async throws {
        try await RoleRunner.run(
            "pump", load: { () throws(ConfigurationError) in
                try PumpConfiguration.load(arguments: settings, environment: ProcessInfo.processInfo.environment)
            }, logLevel: \.logLevel, PumpProcess.run)
    }
}
