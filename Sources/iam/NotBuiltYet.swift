import ArgumentParser

/// Server roles that later work fills in. Each says so and fails: none pretends to run.
enum NotBuiltYet {
    static func fail(_ role: String) throws -> Never {
        print("iam \(role): not built yet. This role is planned but not implemented in this version.")
        throw ExitCode(3)
    }

    struct APIServer: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "apiserver", abstract: "REST API for users, secrets and policies (not built yet).")
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
        func run() throws { try NotBuiltYet.fail("apiserver") }
    }

    struct Authz: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "authz", abstract: "The authorization decision service (not built yet).")
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
        func run() throws { try NotBuiltYet.fail("authz") }
    }

    struct Pump: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pump", abstract: "Drains audit records into sinks (not built yet).")
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
        func run() throws { try NotBuiltYet.fail("pump") }
    }

    struct Watcher: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "watcher", abstract: "Scheduled housekeeping (not built yet).")
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
        func run() throws { try NotBuiltYet.fail("watcher") }
    }

    struct LoadBalancer: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lb", abstract: "HTTP and TCP load balancer (not built yet).")
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
        func run() throws { try NotBuiltYet.fail("lb") }
    }

    struct VRRP: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "vrrp", abstract: "keepalived-compatible VRRP failover (not built yet).")
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
        func run() throws { try NotBuiltYet.fail("vrrp") }
    }

    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "up", abstract: "Start a whole cluster on this machine (not built yet).")
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
        func run() throws { try NotBuiltYet.fail("up") }
    }
}
