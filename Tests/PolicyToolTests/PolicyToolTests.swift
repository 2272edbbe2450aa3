import Foundation
import PolicyEngine
import PolicyTool
import IAMTestSupport
import Testing

@Suite struct PolicyToolTests {
    static let fixtures = SharedFixtures.root.appendingPathComponent("fixtures/ladon-conformance")

    private func fixture(_ name: String) -> String { PolicyToolTests.fixtures.appendingPathComponent(name).path }

    @Test(arguments: [10, 1000])
    func evalOutputEqualsTheExpectedFile(size: Int) throws {
        let lines = try PolicyEvaluation.run(policiesFile: fixture("policies-full-\(size).json"),
                                             requestsFile: fixture("requests-full-\(size).json"), explain: false)
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: fixture("expected-full-\(size).json"))))
        guard case .array(let wanted) = expected else { throw TemporaryFiles.Failure("expected file is not an array") }
        #expect(lines.count == wanted.count)
        for (line, want) in zip(lines, wanted) {
            let got = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            for key in ["allowed", "reason", "allow_policy_ids", "deny_policy_ids", "error_policy_ids"] {
                #expect(got.member(key) == want.member(key), "\(line)")
            }
            #expect(line.hasPrefix(#"{"allowed":"#), "fields keep their documented order")
        }
    }

    @Test func explainAddsNearMisses() throws {
        let lines = try PolicyEvaluation.run(policiesFile: fixture("policies-full-100.json"),
                                             requestsFile: fixture("requests-full-100.json"), explain: true)
        #expect(lines.allSatisfy { $0.contains(#""near_misses":["#) })
        #expect(lines.contains { $0.contains(#""rejected_by":"conditions""#) })
    }

    @Test func badFilesNameTheFileAndThePath() throws {
        let files = try TemporaryFiles()
        let requests = try files.write("requests.json", "[]")
        let unknown = try files.write("unknown.json", #"[{"id":"ok"},{"id":"p2","conditions":{"ip":{"type":"IPCondition"}}}]"#)
        let broken = try files.write("broken.json", #"[{"id": "p1",]"#)
        let notArray = try files.write("object.json", #"{"id":"p"}"#)
        let cases: [(String, [String])] = [
            (unknown, [unknown, "$[1].conditions.ip.type", "policy \"p2\"", "unknown condition type \"IPCondition\""]),
            (broken, [broken, "invalid JSON"]),
            (notArray, [notArray, "expected a JSON array of policies"]),
            (files.path("missing.json"), [files.path("missing.json"), "cannot read"]),
        ]
        for (policies, fragments) in cases {
            do {
                _ = try PolicyEvaluation.run(policiesFile: policies, requestsFile: requests, explain: false)
                Issue.record("expected an error for \(policies)")
            } catch {
                #expect(error.file == policies)
                for fragment in fragments { #expect(error.description.contains(fragment), "\(error)") }
            }
        }
    }

    @Test func lintReportsEveryProblemAndKeepsGoing() throws {
        let files = try TemporaryFiles()
        let policies = try files.write("policies.json", """
            [{"id":"good","subjects":["users:<.*>"],"actions":["get"],"resources":["r"],"effect":"allow"},
             {"id":"template","subjects":["users:<[a-z>"],"actions":["<get|put"],"resources":["r"],"effect":"allow"},
             {"id":"cond","conditions":{"x":{"type":"Nope"}}},
             {"id":"cidr","conditions":{"ip":{"type":"CIDRCondition","options":{"cidr":"10.0.0.0/40"}}}}]
            """)
        let report = try PolicyLint.run(file: policies)
        #expect(report.policyCount == 4)
        #expect(report.problems.count == 4, "\(report.problems)")
        #expect(report.problems.contains { $0.contains("policy \"template\": subjects") })
        #expect(report.problems.contains { $0.contains("policy \"template\": actions") })
        #expect(report.problems.contains { $0.contains("$[2].conditions.x.type") })
        #expect(report.problems.contains { $0.contains("policy \"cidr\": conditions") })
    }
}
