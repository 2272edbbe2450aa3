import ArgumentParser
import PolicyTool

/// `iam policy`: evaluate and check ladon policies offline.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Evaluate and lint ladon-style policies without a server.",
        subcommands: [Eval.self, Lint.self]
    )

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide every request against the policies; prints one JSON object per request.",
            discussion: """
                POLICIES.json holds a JSON array of policies, REQUESTS.json a JSON array of ladon requests \
                {"subject","action","resource","context"}. Each output line is \
                {"allowed":bool,"reason":"no_match|forced_deny|allowed|error","allow_policy_ids":[...],\
                "deny_policy_ids":[...],"error_policy_ids":[...]}. Exit code 2 on unreadable or malformed files.
                """
        )

        @Option(name: .long, help: "JSON array of policies.") var policies: String
        @Option(name: .long, help: "JSON array of requests.") var requests: String
        @Flag(help: "Add near_misses: which template list or condition rejected each policy whose actions matched.")
        var explain = false

        func run() throws {
            do {
                let lines = try PolicyEvaluation.run(policiesFile: policies, requestsFile: requests, explain: explain)
                print(lines.joined(separator: "\n"))
            } catch {
                StandardError.write("iam policy eval: \(error)")
                throw ExitCode(PolicyToolError.exitCode)
            }
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report malformed templates, unknown condition types and unusable condition options.",
            discussion: "Exit code 0 when clean, 1 when problems were found, 2 when the file cannot be read or parsed."
        )

        @Argument(help: "JSON array of policies.") var file: String

        func run() throws {
            let report: PolicyLint.Report
            do {
                report = try PolicyLint.run(file: file)
            } catch {
                StandardError.write("iam policy lint: \(error)")
                throw ExitCode(PolicyToolError.exitCode)
            }
            for problem in report.problems { print(problem) }
            if !report.problems.isEmpty {
                StandardError.write("\(report.problems.count) problem(s) in \(report.policyCount) policies")
                throw ExitCode(1)
            }
            print("\(file): \(report.policyCount) policies, no problems")
        }
    }
}
