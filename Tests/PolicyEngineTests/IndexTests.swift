import IAMTestSupport
@testable import PolicyEngine
import Testing

/// The index only narrows: a decision through it equals a scan of every policy.
@Suite struct IndexTests {
    /// Requests recombined from the fixture's parts, so that many fall near, not on, the policies.
    private func recombinedRequests(_ requests: [AccessRequest], count: Int) -> [AccessRequest] {
        var generator = SplitMix64(seed: 2026)
        return (0..<count).map { _ in
            let pick = { requests[Int(generator.next() % UInt64(requests.count))] }
            var request = pick()
            request.subject = pick().subject
            if generator.next() % 2 == 0 { request.resource = pick().resource }
            if generator.next() % 3 == 0 { request.action = pick().action }
            return request
        }
    }

    @Test(arguments: [100, 10000])
    func indexedDecisionsEqualExhaustiveScan(size: Int) throws {
        let policies = try Fixtures.policies(size)
        let set = PolicySet(policies)
        // A scan of 10,000 policies is slow in a debug build: fewer requests there.
        for request in recombinedRequests(try Fixtures.requests(size), count: size > 1000 ? 300 : 3000) {
            let indexed = set.decide(request)
            let scanned = set.decideByScanningEveryPolicy(request)
            #expect(indexed == scanned, "\(request)")
        }
    }

    @Test func indexLooksAtFewPoliciesPerRequest() throws {
        let set = PolicySet(try Fixtures.policies(10000))
        var total = 0
        let requests = try Fixtures.requests(10000)
        for request in requests { total += set.candidateCount(request) }
        // A scan would visit 10,000 per request; the index must cut that by two orders of magnitude.
        #expect(total / requests.count < 100, "mean candidates \(total / requests.count)")
    }

    @Test func malformedPoliciesAreAlwaysCandidates() {
        let set = PolicySet([
            Policy(id: "broken", subjects: ["users:<(>"], effect: "allow", resources: ["r"], actions: ["get"]),
            Policy(id: "fine", subjects: ["users:a"], effect: "allow", resources: ["r"], actions: ["get"]),
        ])
        let decision = set.decide(AccessRequest(subject: "users:zzz", action: "get", resource: "r"))
        #expect(decision.reason == .error)
        #expect(decision.errorPolicyIDs == ["broken"])
    }
}

/// Policies that differ only in id, description or effect share one evaluated body.
@Suite struct PolicyBodyTests {
    @Test func copiesShareABodyAndKeepTheirOwnEffects() {
        let base = Policy(id: "a", subjects: ["users:<.*>"], effect: "allow", resources: ["r:<.*>"], actions: ["get"])
        var copy = base
        copy.id = "b"
        copy.description = "same body, other words"
        var denying = base
        denying.id = "c"
        denying.effect = "deny"
        var different = base
        different.id = "d"
        different.subjects = ["users:<[a-z]+>"]
        let bodies = PolicyBodies([base, copy, denying, different])
        #expect(bodies.representatives.count == 2)
        #expect(bodies.bodyOfPolicy == [0, 0, 0, 1])
        let decision = PolicySet([base, copy, denying, different]).decide(AccessRequest(subject: "users:x", action: "get", resource: "r:1"))
        #expect(decision.reason == .forcedDeny)
        #expect(decision.allowPolicyIDs == ["a", "b", "d"])
        #expect(decision.denyPolicyIDs == ["c"])
    }

    @Test func bodiesCompareBytesNotCanonicalEquivalence() {
        let composed = Policy(id: "nfc", subjects: ["users:é"], effect: "allow", resources: ["r"], actions: ["get"])
        var decomposed = composed
        decomposed.id = "nfd"
        decomposed.subjects = ["users:e\u{301}"]
        #expect(PolicyBodies([composed, decomposed]).representatives.count == 2)
        let decision = PolicySet([composed, decomposed]).decide(AccessRequest(subject: "users:é", action: "get", resource: "r"))
        #expect(decision.allowPolicyIDs == ["nfc"])
    }
}
