import PolicyEngine
import Testing

@Suite struct DecisionTests {
    private let articlesReader = Policy(id: "read", subjects: ["users:<peter|ken>"], effect: "allow",
                                        resources: ["resources:articles:<.*>"], actions: ["<get|list>"])
    private let articlesBlocker = Policy(id: "block", subjects: ["users:ken"], effect: "deny",
                                         resources: ["resources:articles:secret"], actions: ["get"])
    private let anyWriter = Policy(id: "write", subjects: ["users:<.*>"], effect: "allow",
                                   resources: ["resources:articles:<.*>"], actions: ["<get|update>"])

    @Test func denyOverridesAllowWhateverTheOrder() {
        let request = AccessRequest(subject: "users:ken", action: "get", resource: "resources:articles:secret")
        for policies in [[articlesReader, articlesBlocker], [articlesBlocker, articlesReader]] {
            let decision = PolicySet(policies).decide(request)
            #expect(!decision.allowed)
            #expect(decision.reason == .forcedDeny)
            #expect(decision.reason.ladonMessage == "Request was forcefully denied")
            #expect(decision.allowPolicyIDs == ["read"] || decision.allowPolicyIDs == ["read"])
            #expect(decision.denyPolicyIDs == ["block"])
        }
    }

    @Test func defaultDenyAndAllow() {
        let set = PolicySet([articlesReader, anyWriter])
        let denied = set.decide(AccessRequest(subject: "users:ken", action: "delete", resource: "resources:articles:1"))
        #expect(denied.reason == .noMatch)
        #expect(denied.reason.ladonMessage == "Request was denied by default")
        let allowed = set.decide(AccessRequest(subject: "users:ken", action: "get", resource: "resources:articles:1"))
        #expect(allowed.allowed)
        #expect(allowed.allowPolicyIDs == ["read", "write"])
    }

    @Test(arguments: ["deny", "Allow", "", "ALLOW"])
    func anyEffectButExactlyAllowDenies(effect: String) {
        var policy = articlesReader
        policy.effect = effect
        let decision = PolicySet([policy, anyWriter]).decide(
            AccessRequest(subject: "users:ken", action: "get", resource: "resources:articles:1"))
        #expect(decision.reason == .forcedDeny)
    }

    @Test func emptyListsMatchNothing() {
        var policy = articlesReader
        policy.subjects = []
        #expect(PolicySet([policy]).decide(
            AccessRequest(subject: "users:ken", action: "get", resource: "resources:articles:1")).reason == .noMatch)
    }

    @Test func conditionsReadTheContext() {
        var policy = articlesReader
        policy.conditions = ["ip": Condition(type: .cidr, options: .object(["cidr": .string("10.0.0.0/8")]))]
        let set = PolicySet([policy])
        var request = AccessRequest(subject: "users:ken", action: "get", resource: "resources:articles:1")
        #expect(set.decide(request).reason == .noMatch)  // absent key: not fulfilled
        request.context["ip"] = .string("10.1.2.3")
        #expect(set.decide(request).allowed)
    }

    @Test func malformedTemplateIsAnErrorOnlyWhenReached() {
        let broken = Policy(id: "broken", subjects: ["users:ken", "users:<(>"], effect: "allow",
                            resources: ["r"], actions: ["get"])
        let set = PolicySet([broken])
        // The first subject matches, so the malformed second one is never compiled by ladon.
        #expect(set.decide(AccessRequest(subject: "users:ken", action: "get", resource: "r")).allowed)
        // Actions reject first: subjects are never looked at.
        #expect(set.decide(AccessRequest(subject: "users:x", action: "put", resource: "r")).reason == .noMatch)
        let failed = set.decide(AccessRequest(subject: "users:x", action: "get", resource: "r"))
        #expect(failed.reason == .error)
        #expect(!failed.allowed)
        #expect(failed.errorPolicyIDs == ["broken"])
        #expect(failed.errorMessage?.contains("users:<(>") == true)
    }

    @Test func auditConclusionsFollowMarmoteduTexts() {
        #expect(Decision(reason: .allowed, allowPolicyIDs: ["p1", "p2"]).auditConclusion == "policies p1, p2 allow access")
        #expect(Decision(reason: .noMatch).auditConclusion == "no policy allowed access")
        #expect(Decision(reason: .forcedDeny, denyPolicyIDs: ["d"]).auditConclusion == "policy d forcefully denied the access")
        #expect(Decision(reason: .forcedDeny, allowPolicyIDs: ["a", "b"], denyPolicyIDs: ["d", "e"]).auditConclusion
            == "policies a, b allow access, but policy d forcefully denied it")
        #expect(Decision(reason: .forcedDeny, allowPolicyIDs: ["a"], denyPolicyIDs: ["d"]).deciderIDs == ["a", "d"])
    }

    @Test func explainNamesThePartThatMissed() {
        var guarded = articlesReader
        guarded.conditions = ["mfa": Condition(type: .boolean, options: .object(["value": .bool(true)]))]
        let set = PolicySet([guarded, anyWriter])
        let misses = set.explain(AccessRequest(subject: "users:bob", action: "get", resource: "resources:articles:1",
                                               context: ["mfa": true]))
        #expect(misses.map(\.policyID) == ["read"])
        #expect(misses.first?.rejectedBy == "subjects")
        let conditionMiss = set.explain(AccessRequest(subject: "users:ken", action: "get", resource: "resources:articles:1"))
        #expect(conditionMiss.first?.rejectedBy == "conditions")
        #expect(conditionMiss.first?.detail.contains("BooleanCondition on \"mfa\"") == true)
    }
}

/// The audit conclusion written straight into a record equals the text ``Decision/auditConclusion`` makes, escaped.
@Suite struct AuditConclusionWritingTests {
    @Test(arguments: [
        Decision(reason: .allowed, allowPolicyIDs: ["a"]),
        Decision(reason: .allowed, allowPolicyIDs: ["a", "b\"q", "c\\d"]),
        Decision(reason: .noMatch),
        Decision(reason: .forcedDeny, denyPolicyIDs: ["d1", "d2"]),
        Decision(reason: .forcedDeny, allowPolicyIDs: ["a"], denyPolicyIDs: ["d\nx"]),
        Decision(reason: .forcedDeny, allowPolicyIDs: ["a", "b"], denyPolicyIDs: ["d", "e"]),
    ])
    func escapedConclusionEqualsTheText(decision: Decision) {
        var written = JSONTextBuffer()
        decision.appendAuditConclusion(escapedTo: &written)
        var expected = JSONTextBuffer()
        expected.appendEscaped(decision.auditConclusion)
        #expect(written.text == expected.text)
        var visited: [String] = []
        decision.forEachDeciderID { visited.append($0) }
        #expect(visited == decision.deciderIDs)
    }
}
