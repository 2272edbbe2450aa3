import ArgumentParser
import IAMClient
import IAMResources
import PolicyEngine

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create, get, list, update and delete users.",
        subcommands: [Create.self, Get.self, List.self, Update.self, Delete.self])

    static func printUsers(_ users: [JSONValue], _ format: OutputFormat) {
        Output.table(["Name", "Nickname", "Email", "Phone", "Created", "Updated"], users.map { user in
            [Output.string(user[path: "metadata.name"]), Output.string(user.member("nickname")), Output.string(user.member("email")),
             Output.string(user.member("phone")), Output.time(user[path: "metadata.createdAt"]), Output.time(user[path: "metadata.updatedAt"])]
        })
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user (validated here first, as the server would).")
        @Argument var username: String
        @Argument var password: String
        @Argument var email: String
        @Option(help: "Nickname (default: the user name).") var nickname: String?
        @Option var phone: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let input = UserInput(name: username, nickname: nickname ?? username, password: password, email: email, phone: phone)
            do { try input.validateForCreate() } catch { throw Failure("invalid user: \(error.detail)") }
            var body = JSONObjectWriter()
            body.raw("metadata", #"{"name":\#(quoteJSON(username))}"#)
            body.string("nickname", nickname ?? username)
            body.string("password", password)
            body.string("email", email)
            if let phone { body.string("phone", phone) }
            try await global.write(.post, "/v1/users", body: body.text, reporting: "user/\(username)", "created")
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user.")
        @Argument var username: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.withClient { client in
                let user = try await client.call(.get, "/v1/users/" + IAMAPIClient.pathSegment(username))
                if global.output == .table { printUsers([user], .table) } else { Output.print(user, as: global.output) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users (admins only).")
        @Option(help: "Skip this many users.") var offset = 0
        @Option(name: [.customShort("l"), .long], help: "Show at most this many users (-1: all).") var limit = 1000
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.withClient { client in
                let page = try await client.call(.get, "/v1/users", query: [("offset", "\(offset)"), ("limit", "\(limit)")])
                if global.output == .table { printUsers(page.listItems, .table) } else { Output.print(page, as: global.output) }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a user's nickname, email or phone.")
        @Argument var username: String
        @Option var nickname: String?
        @Option var email: String?
        @Option var phone: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            var body = JSONObjectWriter()
            if let nickname { body.string("nickname", nickname) }
            if let email { body.string("email", email) }
            if let phone { body.string("phone", phone) }
            try await global.write(.put, "/v1/users/" + IAMAPIClient.pathSegment(username), body: body.text, reporting: "user/\(username)", "updated")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user with their secrets and policies (admins only).")
        @Argument var username: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.withClient { client in
                try await client.call(.delete, "/v1/users/" + IAMAPIClient.pathSegment(username))
                print("user/\(username) deleted")
            }
        }
    }
}
