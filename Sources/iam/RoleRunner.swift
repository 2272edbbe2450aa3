import ArgumentParser
import IAMConfiguration
import Logging

/// What every server role's command does: load settings (exit 2 with the message on a bad one, ignored marmotedu
/// keys listed), start logging at the configured level, run until stopped (exit 1 with the message on failure).
enum RoleRunner {
    static func run<Configuration>(
        _ role: String,
        load: () throws(ConfigurationError) -> (Configuration, SettingsLoader<Configuration>.Report),
        logLevel: (Configuration) -> String,
        _ body: (Configuration, Logger) async throws -> Void
    ) async throws {
        let configuration: Configuration
        do {
            let (loaded, report) = try load()
            configuration = loaded
            for line in report.ignored { StandardError.write("iam \(role): \(line)") }
        } catch {
            StandardError.write("iam \(role): \(error)")
            throw ExitCode(2)
        }
        let level = Logger.Level(rawValue: logLevel(configuration)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            try await body(configuration, Logger(label: "iam.\(role)"))
        } catch {
            StandardError.write("iam \(role): \(error)")
            throw ExitCode(1)
        }
    }
}
