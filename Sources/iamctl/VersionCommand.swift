import ArgumentParser
import IAMClient
import IAMResources
import PolicyEngine

struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the client and server versions.")
    @Flag(help: "Only the client version; do not ask the server.") var client = false
    @Flag(help: "Versions only, one per line.") var short = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let clientVersion = try JSONValue.parse(BuildInfo.json)
        var server: JSONValue?
        if !client {
            try await global.withClient { api in server = try await api.call(.get, "/version", authenticated: false) }
        }
        switch global.output {
        case .table:
            print(short ? "Client Version: v\(BuildInfo.version)" : "Client Version: \(clientVersion.description)")
            if let server {
                print(short ? "Server Version: \(Output.string(server.member("gitVersion")))" : "Server Version: \(server.description)")
            }
        case .json, .yaml:
            var members: [String: JSONValue] = ["clientVersion": clientVersion]
            if let server { members["serverVersion"] = server }
            Output.print(.object(members), as: global.output)
        }
    }
}

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check the settings and that the apiserver answers and accepts the credentials.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.clientConfiguration()
        var rows: [[String]] = [["config file", configuration.configFile == nil ? "NONE" : "OK", configuration.configFile ?? "flags and environment only"]]
        var failed = false
        try await IAMAPIClient.with(configuration) { api in
            do {
                let health = try await api.call(.get, "/healthz", authenticated: false)
                rows.append(["apiserver", "OK", "\(configuration.baseURL) \(health.description)"])
            } catch {
                failed = true
                rows.append(["apiserver", "FAILED", "\(error)"])
            }
            do {
                guard try configuration.authorizationHeader(now: 0) != nil else {
                    rows.append(["credentials", "NONE", "no user.username/password, user.token or secret pair set"])
                    return
                }
                _ = try await api.call(.get, "/v1/secrets", query: [("limit", "1")])
                rows.append(["credentials", "OK", "accepted"])
            } catch {
                failed = true
                rows.append(["credentials", "FAILED", "\(error)"])
            }
        }
        Output.table(["ValidateItem", "Result", "Message"], rows)
        if failed { throw ExitCode(1) }
    }
}

struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion", abstract: "Print a shell completion script: iamctl completion bash > /etc/bash_completion.d/iamctl")
    @Argument(help: "bash, zsh or fish.") var shell: String

    func run() throws {
        guard let kind = CompletionShell(rawValue: shell) else { throw Failure("completion \(shell): use bash, zsh or fish") }
        print(IAMCtl.completionScript(for: kind))
    }
}
