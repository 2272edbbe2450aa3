import ArgumentParser
import Foundation
import IAMClient
import IAMConfiguration

/// The connection and identity flags every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("iamconfig"), help: "iamctl.yaml to read instead of searching ., ~/.iam and /etc/iam.")
    var configFile: String?

    @Option(name: [.customShort("s"), .customLong("server.address")], help: "The apiserver, e.g. http://127.0.0.1:8080.")
    var serverAddress: String?

    @Option(name: .customLong("user.username"), help: "User name for Basic authentication.") var username: String?
    @Option(name: .customLong("user.password"), help: "Password for Basic authentication.") var password: String?
    @Option(name: .customLong("user.token"), help: "A login token (Bearer).") var token: String?
    @Option(name: .customLong("user.secret-id"), help: "Secret ID to sign tokens with.") var secretID: String?
    @Option(name: .customLong("user.secret-key"), help: "Secret key to sign tokens with.") var secretKey: String?
    @Option(name: .customLong("user.client-certificate"), help: "PEM client certificate for mutual TLS.") var clientCertificate: String?
    @Option(name: .customLong("user.client-key"), help: "PEM key of the client certificate.") var clientKey: String?
    @Option(name: .customLong("server.timeout"), help: "Request timeout, e.g. 30s.") var timeout: String?
    @Option(name: .customLong("server.max-retries"), help: "Retries when the server cannot be reached.") var maxRetries: String?
    @Option(name: .customLong("server.retry-interval"), help: "Pause between retries, e.g. 1s.") var retryInterval: String?
    @Option(name: .customLong("server.tls-server-name"), help: "Server name to expect in the TLS certificate.") var tlsServerName: String?
    @Option(name: .customLong("server.insecure-skip-tls-verify"), help: "true to skip TLS certificate checks.") var insecure: String?
    @Option(name: .customLong("server.certificate-authority"), help: "PEM CA bundle to trust.") var certificateAuthority: String?

    @Option(name: [.short, .long], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    /// The settings from file, environment and these flags.
    func clientConfiguration() throws -> ClientConfiguration {
        let given: [String: String?] = [
            "server.address": serverAddress, "user.username": username, "user.password": password, "user.token": token,
            "user.secret-id": secretID, "user.secret-key": secretKey, "user.client-certificate": clientCertificate,
            "user.client-key": clientKey, "server.timeout": timeout, "server.max-retries": maxRetries,
            "server.retry-interval": retryInterval, "server.tls-server-name": tlsServerName,
            "server.insecure-skip-tls-verify": insecure, "server.certificate-authority": certificateAuthority,
        ]
        do {
            return try ClientConfiguration.load(
                configFile: configFile, flags: given.compactMapValues { $0 }, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw Failure(error.message)
        }
    }

    /// Runs `body` with a client, turning server and connection errors into a message and exit status 1.
    func withClient(_ body: (IAMAPIClient) async throws -> Void) async throws {
        let configuration = try clientConfiguration()
        do {
            try await IAMAPIClient.with(configuration) { client in try await body(client) }
        } catch let error as ClientError {
            throw Failure(error.description)
        }
    }
}

extension GlobalOptions {
    /// Sends a create or update and reports it: `KIND/NAME VERB` in table mode, else the resource as JSON or YAML.
    func write(_ method: RequestMethod, _ path: String, body: String, reporting subject: String, _ verb: String) async throws {
        try await withClient { client in
            let resource = try await client.call(method, path, body: body)
            if output == .table { print("\(subject) \(verb)") } else { Output.print(resource, as: output) }
        }
    }
}

/// A failure iamctl reports as `Error: …` with exit status 1.
struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, yaml
}
