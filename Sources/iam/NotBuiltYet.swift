import ArgumentParser

/// A server role that later work fills in.
protocol PlannedRole {
    static var name: String { get }
    static var summary: String { get }
}

/// The subcommand of a planned role: it says the role is not built yet and fails. None pretends to run.
struct NotBuiltYet<Role: PlannedRole>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Role.name, abstract: "\(Role.summary) (not built yet).")
    }

    @Argument(parsing: .allUnrecognized) var arguments: [String] = []

    func run() throws {
        print("iam \(Role.name): not built yet. This role is planned but not implemented in this version.")
        throw ExitCode(3)
    }
}

enum UpRole: PlannedRole {
    static let name = "up"
    static let summary = "Start a whole cluster on this machine"
}
