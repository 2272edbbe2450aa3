/// Groups policies that decide alike: same actions, subjects, resources and conditions, differing only in
/// `id`, `description`, `effect` or `meta`. Each group (a body) is compiled, indexed and evaluated once
/// per request, however many policies share it — multi-tenant policy sets are full of such copies.
struct PolicyBodies: Sendable {
    /// The first policy of each body, in order of first appearance.
    let representatives: [Policy]
    /// Body number of each policy.
    let bodyOfPolicy: [Int32]
    /// Member policy positions of each body, ascending: body `b` owns `members[start[b]..<start[b + 1]]`.
    let start: [Int32]
    let members: [Int32]
    /// The matching parts of each body as bytes: equal signatures compile alike.
    let signatures: [ByteKey]

    init(_ policies: [Policy]) {
        var bodyBySignature: [ByteKey: Int32] = [:]
        var representatives: [Policy] = []
        var memberLists: [[Int32]] = []
        var bodyOfPolicy: [Int32] = []
        var signatures: [ByteKey] = []
        bodyOfPolicy.reserveCapacity(policies.count)
        for (position, policy) in policies.enumerated() {
            let signature = ByteKey(PolicyBodies.signature(policy))
            let body: Int32
            if let existing = bodyBySignature[signature] {
                body = existing
            } else {
                body = Int32(representatives.count)
                bodyBySignature[signature] = body
                representatives.append(policy)
                signatures.append(signature)
                memberLists.append([])
            }
            memberLists[Int(body)].append(Int32(position))
            bodyOfPolicy.append(body)
        }
        self.representatives = representatives
        self.signatures = signatures
        self.bodyOfPolicy = bodyOfPolicy
        var start: [Int32] = [0]
        var members: [Int32] = []
        for list in memberLists {
            members += list
            start.append(Int32(members.count))
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
