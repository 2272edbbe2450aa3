import APIServer
import ArgumentParser
import Foundation
import IAMConfiguration
import IAMStore

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
        try await RoleRunner.run(
            "apiserver", load: { () throws(ConfigurationError) in
                try APIServerConfiguration.load(arguments: settings, environment: environment)
            }, logLevel: \.logLevel
        ) { configuration, logger in
            // A --store that does not parse is the store's own error, reported when it opens.
            if case .postgres? = try? StoreLocation(parsing: configuration.store, dataDirectory: configuration.dataDirectory) {
                EventLoopExecutor.install()
            }
            try await APIServerProcess.run(configuration: configuration, adminPassword: environment["IAM_ADMIN_PASSWORD"], logger: logger)
        }
    }
}
