import Foundation
import PolicyEngine
import Testing

/// Every expected decision of `../shared/fixtures/ladon-conformance`, reproduced exactly.
@Suite struct ConformanceTests {
    @Test(arguments: [10, 100, 1000, 10000])
    func reproducesEveryExpectedDecision(size: Int) throws {
        let set = PolicySet(try Fixtures.policies(size))
        let requests = try Fixtures.requests(size)
        let expected = try Fixtures.expected(size)
        try #require(requests.count == expected.count)
        #expect(set.problems.isEmpty)
        var mismatches: [String] = []
        for (index, (request, want)) in zip(requests, expected).enumerated() {
            let decision = set.decide(request)
            let got: [String: JSONValue] = [
                "allowed": .bool(decision.allowed),
                "reason": .string(decision.reason.rawValue),
                "allow_policy_ids": .array(decision.allowPolicyIDs.map(JSONValue.string)),
                "deny_policy_ids": .array(decision.denyPolicyIDs.map(JSONValue.string)),
                "error_policy_ids": .array(decision.errorPolicyIDs.map(JSONValue.string)),
            ]
            for (key, value) in got where want.member(key) != value {
                mismatches.append("request \(index) \(key): expected \(want.member(key) ?? .null), got \(value)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    @Test(arguments: [10, 100, 1000, 10000])
    func decisionCountsMatchTheFixtureSummary(size: Int) throws {
        let set = PolicySet(try Fixtures.policies(size))
        guard case .object(let counts) = try Fixtures.json("meta-full-\(size).json").member("decisions") else {
            Issue.record("meta file has no decisions")
            return
        }
        var tally: [String: Int] = [:]
        for request in try Fixtures.requests(size) { tally[set.decide(request).reason.rawValue, default: 0] += 1 }
        for (reason, count) in counts {
            #expect(.number(Double(tally[reason, default: 0])) == count, "reason \(reason)")
        }
    }
}

/// A set built by reusing another set's compiled bodies decides exactly like one compiled from scratch (the authz
/// server rebuilds an owner's set this way on every change).
@Suite struct ReusedCompilationTests {
    @Test func reusingAPreviousSetDecidesLikeAFreshOne() throws {
        let policies = try Fixtures.policies(1000)
        let requests = try Fixtures.requests(1000)
        let before = PolicySet(policies)
        // A change: one policy dropped, one edited, one added, the order shuffled deterministically.
        var changed = Array(policies.dropFirst())
        changed[10].resources = ["<.*>"]
        changed[20].effect = changed[20].effect == "allow" ? "deny" : "allow"
        changed.append(Policy(id: "added", subjects: ["users:<.*>"], effect: "allow", resources: ["<.*>"], actions: ["read"]))
        changed.reverse()
        let reused = PolicySet(changed, reusing: before)
        let fresh = PolicySet(changed)
        for request in requests {
            #expect(reused.decide(request) == fresh.decide(request))
        }
    }
}
