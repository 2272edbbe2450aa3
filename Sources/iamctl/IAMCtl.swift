import ArgumentParser
import IAMResources

/// `iamctl`: the command-line client of the apiserver (marmotedu/iam's iamctl commands).
@main
struct IAMCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iamctl",
        abstract: "Command-line client for the Swift IAM apiserver.",
        discussion: """
            Settings: iamctl.yaml (from --iamconfig, else ./iamctl.yaml, ~/.iam/iamctl.yaml or /etc/iam/iamctl.yaml), \
            then IAM_* environment variables (IAM_SERVER_ADDRESS, IAM_USER_USERNAME…), then flags. Set one identity: \
            --user.username/--user.password, --user.token, or --user.secret-id/--user.secret-key.
            """,
        version: BuildInfo.version,
        subcommands: [
            UserCommand.self, SecretCommand.self, PolicyCommand.self, JWTCommand.self, VersionCommand.self,
            ValidateCommand.self, CompletionCommand.self,
        ]
    )
}
