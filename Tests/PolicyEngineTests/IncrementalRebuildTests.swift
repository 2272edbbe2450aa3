import IAMTestSupport
@testable import PolicyEngine
import Testing

/// A set rebuilt from the previous one after each change (as the authz server does for every write to an owner's
/// policies) takes over the compiled, encoded and indexed form of what did not change, and still decides exactly like
/// a set built from scratch.
@Suite struct IncrementalRebuildTests {
    @Test func oneInsertedPolicyIsTheOnlyOneCompiledAndPlaced() throws {
        let policies = try Fixtures.policies(1000)
        let before = PolicySet(policies)
        let added = Policy(id: "added", subjects: ["users:<.*>"], effect: "allow", resources: ["resources:new:1"], actions: ["read"])
        let after = PolicySet([added] + policies, reusing: before)

        let taken = after.bodies.previousBody.filter { $0 >= 0 }.count
        #expect(taken == before.compiled.count)
        #expect(after.bodies.previousBody[0] == -1)
        let fresh = after.compiled.indices.filter { body in
            !before.compiled.contains { $0 === after.compiled[body] }
        }
        #expect(fresh == [0])
        // The encoded templates were appended to the previous buffers, not encoded again.
        #expect(after.code.unusedTemplates == before.code.unusedTemplates)
        #expect(after.code.policies[1].actions.start == before.code.policies[0].actions.start)
        #expect(after.decide(AccessRequest(subject: "users:x", action: "read", resource: "resources:new:1")).allowed)
    }

    @Test func anEditedPolicyIsCompiledAgainAndTheOthersAreNot() throws {
        let policies = try Fixtures.policies(100)
        let before = PolicySet(policies)
        var edited = policies
        edited[50].resources = ["resources:edited:<.*>"]
        let after = PolicySet(edited, reusing: before)
        let recompiled = after.compiled.indices.filter { body in !before.compiled.contains { $0 === after.compiled[body] } }
        #expect(recompiled == [Int(after.bodies.bodyOfPolicy[50])])
        #expect(after.decide(AccessRequest(subject: policies[50].subjects.first ?? "", action: "x", resource: "resources:edited:1"))
                == PolicySet(edited).decide(AccessRequest(subject: policies[50].subjects.first ?? "", action: "x",
                                                          resource: "resources:edited:1")))
    }

    /// A policy whose body another policy already has (a copy under a new ID) joins that body instead of compiling.
    @Test func aCopyUnderANewIDJoinsTheExistingBody() throws {
        let policies = try Fixtures.policies(100)
        let before = PolicySet(policies)
        var copy = policies[7]
        copy.id = "copy-of-7"
        copy.effect = copy.allows ? "deny" : "allow"
        let after = PolicySet(policies + [copy], reusing: before)
        #expect(after.bodies.bodyOfPolicy[100] == after.bodies.bodyOfPolicy[7])
        #expect(after.compiled.count == before.compiled.count)
    }

    /// Many changes in a row, each set built from the one before: every few changes the chain's set must decide
    /// like a fresh set and like a scan of every policy, on the fixture's requests and on ones aimed at the changes.
    /// The 100-policy chain places more new bodies than the set has, so its index is also rebuilt whole on the way.
    @Test(arguments: [(1000, 120), (100, 300)])
    func aLongChainOfChangesDecidesLikeFreshSets(size: Int, changes: Int) throws {
        let original = try Fixtures.policies(size)
        var requests = Array(try Fixtures.requests(size).prefix(300))
        var generator = SplitMix64(seed: 41)
        var policies = original
        var set = PolicySet(policies)
        var sawFullPlacement = false
        for change in 0..<changes {
            let position = Int(generator.next() % UInt64(policies.count))
            switch generator.next() % 5 {
            case 0:
                let policy = Policy(id: "new-\(change)", subjects: ["users:<.*>"], effect: change % 3 == 0 ? "deny" : "allow",
                                    resources: ["resources:chain:\(change):<.*>"], actions: ["<read|write>"])
                policies.insert(policy, at: 0)
                requests.append(AccessRequest(subject: "users:u", action: "read", resource: "resources:chain:\(change):x"))
            case 1:
                policies[position].resources.append("resources:edited:\(change)")
                requests.append(AccessRequest(subject: policies[position].subjects.first ?? "", action: "read",
                                              resource: "resources:edited:\(change)"))
            case 2:
                policies.remove(at: position)
            case 3:
                var copy = policies[position]
                copy.id = "copy-\(change)"
                policies.insert(copy, at: position)
            default:
                policies[position].effect = policies[position].allows ? "deny" : "allow"
            }
            let placedBefore = set.index.placedSinceFullPlacement
            set = PolicySet(policies, reusing: set)
            if set.index.placedSinceFullPlacement < placedBefore { sawFullPlacement = true }
            if change % 30 == 29 {
                let fresh = PolicySet(policies)
                for request in requests {
                    let decision = set.decide(request)
                    #expect(decision == fresh.decide(request), "after change \(change): \(request)")
                    #expect(decision == set.decideByScanningEveryPolicy(request), "after change \(change): \(request)")
                }
            }
        }
        #expect(sawFullPlacement == (size == 100))
    }

    /// Dropped bodies leave their encoded templates behind; once those outweigh the live ones, the code is encoded
    /// afresh, so a long-lived set does not grow without bound.
    @Test func templatesLeftBehindByDroppedPoliciesAreReclaimed() throws {
        var policies = try Fixtures.policies(1000)
        var set = PolicySet(policies)
        var sawReclaim = false
        while policies.count > 200 {
            policies.removeFirst(25)
            let (unusedBefore, liveBefore) = (set.code.unusedTemplates, set.code.liveTemplates)
            set = PolicySet(policies, reusing: set)
            if set.code.unusedTemplates < unusedBefore { sawReclaim = true }
            // Reused only while the unused were at most the live ones plus 512; this change added what it dropped.
            let dropped = liveBefore - set.code.liveTemplates
            #expect(set.code.unusedTemplates <= set.code.liveTemplates + 512 + 2 * dropped)
        }
        #expect(sawReclaim)
        let fresh = PolicySet(policies)
        for request in try Fixtures.requests(1000).prefix(200) { #expect(set.decide(request) == fresh.decide(request)) }
    }
}
