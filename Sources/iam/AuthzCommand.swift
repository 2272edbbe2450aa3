import ArgumentParser
import AuthzServer
import Foundation
import IAMConfiguration

/// `iam authz`: the decision service.
struct AuthzCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authz",
        abstract: "The authorization decision service: POST /v1/authz with a secret-signed JWT (marmotedu/iam compatible).",
        discussion: """
            Follows the apiservers' change feed (their cluster.token) and decides on an in-memory snapshot; writes an \
            audit record per decision to the apiservers' queue (iam pump drains it), spooling to a local file while \
            none is reachable. Settings come from defaults, a YAML file (-c FILE), IAM_AUTHZ_* variables, then flags.

            Settings:
            \(AuthzConfiguration.keysHelp)
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "Settings as --name value (see below), -c FILE for a YAML file.")
    var settings: [String] = []

    func run() async throws {
        try await RoleRunner.run(
            "authz", load: { () throws(ConfigurationError) in
                try AuthzConfiguration.load(arguments: settings, environment: ProcessInfo.processInfo.environment)
            }, logLevel: \.logLevel, AuthzProcess.run)
    }
}
