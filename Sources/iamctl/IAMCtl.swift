import ArgumentParser

/// `iamctl`: the command-line client of the apiserver. Its commands arrive with the apiserver.
@main
struct IAMCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iamctl",
        abstract: "Command-line client for the Swift IAM apiserver (commands not built yet).",
        version: "0.1.0"
    )

    @Argument(parsing: .allUnrecognized) var arguments: [String] = []

    func run() throws {
        print("iamctl: not built yet. The client commands arrive with the apiserver.")
        throw ExitCode(3)
    }
}
