/// Groups policies that decide alike: same actions, subjects, resources and conditions, differing only in
/// `id`, `description`, `effect` or `meta`. Each group (a body) is compiled, indexed and evaluated once
/// per request, however many policies share it — multi-tenant policy sets are full of such copies.
struct PolicyBodies: Sendable {
    /// The position of each body's first policy; bodies are numbered in order of first appearance.
    let representatives: [Int32]
    /// Body number of each policy.
    let bodyOfPolicy: [Int32]
    /// Member policy positions of each body, ascending: body `b` owns `members[start[b]..<start[b + 1]]`.
    let start: [Int32]
    let members: [Int32]
    /// The matching parts of each body as bytes: equal signatures compile alike.
    let signatures: [ByteKey]

    /// For each body, the body of the previous set (``init(_:previous:)``) with the same signature, or -1: what
    /// was compiled, coded and indexed for that body can be taken over.
    let previousBody: [Int32]
    /// For each policy, the position of its equal in the previous set, or -1; empty without a previous set.
    let previousPosition: [Int32]

    /// - Parameter previous: the policies and bodies of the set these policies replace. A policy equal to one of
    ///   them takes its signature instead of building it, and its body is linked to that one (``previousBody``).
    init(_ policies: [Policy], previous: (policies: [Policy], bodies: PolicyBodies)? = nil) {
        var matcher = previous.map { PreviousPolicyMatcher(policies: $0.policies) }
        let previousBodyOfPolicy = previous?.bodies.bodyOfPolicy ?? []
        let previousSignatures = previous?.bodies.signatures ?? []
        var bodyBySignature: [ByteKey: Int32] = [:]
        bodyBySignature.reserveCapacity(previous?.bodies.signatures.count ?? policies.count)
        var representatives: [Int32] = []
        var memberCounts: [Int32] = []
        var bodyOfPolicy: [Int32] = []
        var signatures: [ByteKey] = []
        var previousBody: [Int32] = []
        var previousPosition: [Int32] = []
        bodyOfPolicy.reserveCapacity(policies.count)
        if previous != nil { previousPosition.reserveCapacity(policies.count) }
        for (position, policy) in policies.enumerated() {
            var matchedBody: Int32 = -1
            let signature: ByteKey
            if let match = matcher?.position(of: policy, at: position) {
                matchedBody = previousBodyOfPolicy[match]
                signature = previousSignatures[Int(matchedBody)]
                previousPosition.append(Int32(match))
            } else {
                signature = ByteKey(PolicyBodies.signature(policy))
                if matcher != nil { previousPosition.append(-1) }
            }
            let body: Int32
            if let existing = bodyBySignature[signature] {
                body = existing
                if previousBody[Int(body)] < 0 { previousBody[Int(body)] = matchedBody }
            } else {
                body = Int32(representatives.count)
                bodyBySignature[signature] = body
                representatives.append(Int32(position))
                signatures.append(signature)
                previousBody.append(matchedBody)
                memberCounts.append(0)
            }
            memberCounts[Int(body)] += 1
            bodyOfPolicy.append(body)
        }
        self.representatives = representatives
        self.signatures = signatures
        self.bodyOfPolicy = bodyOfPolicy
        self.previousBody = previousBody
        self.previousPosition = previousPosition
        // Each body's members, in policy order, laid out one body after another.
        var start: [Int32] = [0]
        start.reserveCapacity(memberCounts.count + 1)
        for count in memberCounts { start.append(start[start.count - 1] + count) }
        var next = start
        var members = [Int32](repeating: 0, count: policies.count)
        for (position, body) in bodyOfPolicy.enumerated() {
            members[Int(next[Int(body)])] = Int32(position)
            next[Int(body)] += 1
        }
        self.start = start
        self.members = members
    }

    /// The matching parts as length-prefixed bytes: byte-exact, as ladon compares (Swift's `String ==`
    /// would merge canonically equivalent spellings).
    static func signature(_ policy: Policy) -> [UInt8] {
        var bytes: [UInt8] = []
        func append(_ text: String) {
            let utf8 = Array(text.utf8)
            withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes += $0 }
            bytes += utf8
        }
        for list in [policy.actions, policy.subjects, policy.resources] {
            append(String(list.count))
            list.forEach(append)
        }
        for key in policy.conditions.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let condition = policy.conditions[key]!
            append(key)
            append(condition.type.rawValue)
            append(condition.options.description)
        }
        return bytes
    }
}

/// Finds a policy's equal in the previous list of a set. A change keeps the other policies in order (one inserted,
/// edited or removed shifts the rest by one), so the positions at and next to the last match's offset are tried
/// first; the list is indexed by ID only once that has missed several times (a reordered set).
private struct PreviousPolicyMatcher {
    let policies: [Policy]
    /// Previous position minus new position of the last match.
    private var shift = 0
    private var misses = 0
    private var positionByID: [String: Int]?

    init(policies: [Policy]) { self.policies = policies }

    mutating func position(of policy: Policy, at position: Int) -> Int? {
        for guess in [position + shift, position + shift - 1, position + shift + 1]
        where policies.indices.contains(guess) && policies[guess] == policy {
            shift = guess - position
            return guess
        }
        misses += 1
        guard misses > 8 else { return nil }
        if positionByID == nil {
            var byID: [String: Int] = [:]
            byID.reserveCapacity(policies.count)
            for (index, previous) in policies.enumerated() where byID[previous.id] == nil { byID[previous.id] = index }
            positionByID = byID
        }
        guard let found = positionByID?[policy.id], policies[found] == policy else { return nil }
        shift = found - position
        return found
    }
}
