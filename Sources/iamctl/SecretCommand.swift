import ArgumentParser
import Foundation
import IAMClient
import IAMResources
import PolicyEngine

struct SecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret", abstract: "Create, get, list, update and delete your secrets (API key pairs).",
        subcommands: [Create.self, Get.self, List.self, Update.self, Delete.self])

    static func printSecrets(_ secrets: [JSONValue]) {
        Output.table(["Name", "SecretID", "SecretKey", "Expires", "Created"], secrets.map { secret in
            var expires = "never"
            if case .number(let seconds)? = secret.member("expires"), seconds > 0 {
                expires = Timestamp(microseconds: Int64(seconds) * 1_000_000).tableText
            }
            return [Output.string(secret[path: "metadata.name"]), Output.string(secret.member("secretID")),
                    Output.string(secret.member("secretKey")), expires, Output.time(secret[path: "metadata.createdAt"])]
        })
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a secret.")
        @Argument var name: String
        @Option var description: String?
        @Option(help: "Unix seconds after which it expires, 0 for never (default: 144 hours from now).") var expires: Int64?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            var body = JSONObjectWriter()
            body.raw("metadata", #"{"name":\#(quoteJSON(name))}"#)
            body.integer("expires", expires ?? Int64(Date().timeIntervalSince1970) + 144 * 3600)
            if let description { body.string("description", description) }
            try await global.write(.post, "/v1/secrets", body: body.text, reporting: "secret/\(name)", "created")
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a secret.")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.withClient { client in
                let secret = try await client.call(.get, "/v1/secrets/" + IAMAPIClient.pathSegment(name))
                if global.output == .table { printSecrets([secret]) } else { Output.print(secret, as: global.output) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List your secrets.")
        @Option(help: "Skip this many secrets.") var offset = 0
        @Option(name: [.customShort("l"), .long], help: "Show at most this many (-1: all).") var limit = 1000
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.withClient { client in
                let page = try await client.call(.get, "/v1/secrets", query: [("offset", "\(offset)"), ("limit", "\(limit)")])
                if global.output == .table { printSecrets(page.listItems) } else { Output.print(page, as: global.output) }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a secret's description or expiry.")
        @Argument var name: String
        @Option var description: String?
        @Option(help: "Unix seconds, 0 for never.") var expires: Int64?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            var body = JSONObjectWriter()
            if let expires { body.integer("expires", expires) }
            if let description { body.string("description", description) }
            try await global.write(.put, "/v1/secrets/" + IAMAPIClient.pathSegment(name), body: body.text, reporting: "secret/\(name)", "updated")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a secret.")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.withClient { client in
                try await client.call(.delete, "/v1/secrets/" + IAMAPIClient.pathSegment(name))
                print("secret/\(name) deleted")
            }
        }
    }
}
