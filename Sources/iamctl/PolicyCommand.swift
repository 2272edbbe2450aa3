import ArgumentParser
import IAMClient
import IAMResources
import PolicyEngine

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Create, get, list, update and delete your ladon policies.",
        subcommands: [Create.self, Get.self, List.self, Update.self, Delete.self])

    /// `NAME: {policy JSON}`, one line per policy, as marmotedu/iam's iamctl prints them.
    static func printPolicies(_ policies: [JSONValue]) {
        for policy in policies {
            let document = (try? Policy(json: policy.member("policy") ?? .null).jsonText) ?? (policy.member("policy")?.description ?? "null")
            print("\(Output.string(policy[path: "metadata.name"])): \(document)")
        }
    }

    /// The policy document argument, checked here with the server's decoder so mistakes name their JSON path.
    static func document(_ text: String, name: String) throws -> String {
        do {
            var policy = try Policy(json: try JSONValue.parse(text))
            policy.id = name
            return policy.jsonText
        } catch {
            throw Failure("invalid policy: \(error)")
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a policy from its ladon JSON.")
        @Argument var name: String
        @Argument(help: #"The ladon policy, e.g. '{"subjects":["users:<.*>"],"actions":["get"],"resources":["r"],"effect":"allow"}'."#)
        var policy: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let body = #"{"metadata":{"name":\#(quoteJSON(name))},"policy":\#(try PolicyCommand.document(policy, name: name))}"#
            try await global.write(.post, "/v1/policies", body: body, reporting: "policy/\(name)", "created")
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a policy.")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.withClient { client in
                let policy = try await client.call(.get, "/v1/policies/" + IAMAPIClient.pathSegment(name))
                if global.output == .table { printPolicies([policy]) } else { Output.print(policy, as: global.output) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List your policies.")
        @Option(help: "Skip this many policies.") var offset = 0
        @Option(name: [.customShort("l"), .long], help: "Show at most this many (-1: all).") var limit = 1000
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.withClient { client in
                let page = try await client.call(.get, "/v1/policies", query: [("offset", "\(offset)"), ("limit", "\(limit)")])
                if global.output == .table { printPolicies(page.listItems) } else { Output.print(page, as: global.output) }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a policy's ladon JSON.")
        @Argument var name: String
        @Argument var policy: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let body = #"{"policy":\#(try PolicyCommand.document(policy, name: name))}"#
            try await global.write(.put, "/v1/policies/" + IAMAPIClient.pathSegment(name), body: body, reporting: "policy/\(name)", "updated")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a policy.")
        @Argument var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.withClient { client in
                try await client.call(.delete, "/v1/policies/" + IAMAPIClient.pathSegment(name))
                print("policy/\(name) deleted")
            }
        }
    }
}
