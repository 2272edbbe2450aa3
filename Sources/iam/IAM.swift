import ArgumentParser
import IAMResources

/// `iam`: every Swift IAM server role, one subcommand each.
@main
struct IAM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iam",
        abstract: "Swift IAM: identity and access management servers, load balancer and failover in one binary.",
        version: IAMVersion.current,
        subcommands: [
            PolicyCommand.self,
            APIServerCommand.self, AuthzCommand.self, PumpCommand.self,
            WatcherCommand.self, LoadBalancerCommand.self, VRRPCommand.self,
            NotBuiltYet<UpRole>.self,
        ]
    )
}

enum IAMVersion {
    static let current = BuildInfo.version
}
