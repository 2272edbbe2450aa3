import APIServer
import ArgumentParser
import Foundation
import Logging

/// `iam apiserver`: the REST management plane (users, secrets, policies, login).
struct APIServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apiserver",
        abstract: "REST API for users, secrets and policies (marmotedu/iam compatible), on SQLite or PostgreSQL.",
        discussion: """
            Settings come from defaults, then a YAML file (-c FILE, keys nested by the dots), then IAM_APISERVER_* \
            environment variables, then --name value flags. The first start on an empty store creates user admin \
            with IAM_ADMIN_PASSWORD, or a generated password printed once in the log.

            Settings:
            \(APIServerConfiguration.keysHelp)
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "Settings as --name value (see below), -c FILE for a YAML file.")
    var settings: [String] = []

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration: APIServerConfiguration
        do {
            let (loaded, report) = try APIServerConfiguration.load(arguments: settings, environment: environment)
            configuration = loaded
            for line in report.ignored { StandardError.write("iam apiserver: \(line)") }
        } catch {
            StandardError.write("iam apiserver: \(error)")
            throw ExitCode(2)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "iam.apiserver")
        do {
            try await APIServerProcess.run(
                configuration: configuration, adminPassword: environment["IAM_ADMIN_PASSWORD"], logger: logger)
        } catch {
            StandardError.write("iam apiserver: \(error)")
            throw ExitCode(1)
        }
    }
}
