/// Narrows a policy set to the few policies that can match a request.
///
/// Every policy is filed under one of its three template lists — the one whose keys are shared by the
/// fewest other policies — by the exact strings its templates can match (`<get|list>`) or by their
/// literal prefix (`users:t0169-` for `users:<t0169-.*>`). A request looks up its action, subject and
/// resource in the three indexes; policies no key can describe (malformed, or `<.*>` everywhere) are
/// always candidates.
final class PolicyIndex: Sendable {
    struct FieldIndex: Sendable {
        var exact = ByteStringTable()
        var exactStart: [Int32] = []
        var exactPool: [Int32] = []
        var prefixes = PrefixTrie()
    }

    private let actions: FieldIndex
    private let subjects: FieldIndex
    private let resources: FieldIndex
    /// Policies evaluated for every request.
    let alwaysCandidates: [Int32]

    init(_ policies: [CompiledPolicy]) {
        let keys = policies.map(\.indexKeys)
        let popularity = PolicyIndex.popularity(keys)
        var exactPostings: [[[Int32]]] = Array(repeating: [], count: 3)
        var builders = Array(repeating: FieldIndex(), count: 3)
        var alwaysCandidates: [Int32] = []
        for (position, policy) in policies.enumerated() {
            let posting = Int32(position)
            if policy.hasMalformedTemplate {
                alwaysCandidates.append(posting)
                continue
            }
            // A policy with an empty list matches nothing and cannot fail: never a candidate.
            if policy.hasEmptyList { continue }
            let costs = (0..<3).map { PolicyIndex.cost(keys[position][$0], popularity[$0], total: policies.count) }
            let best = costs.indices.min { costs[$0] < costs[$1] }!
            guard costs[best] < policies.count else {
                alwaysCandidates.append(posting)
                continue
            }
            for key in keys[position][best] {
                switch key {
                case .exact(let strings):
                    for string in strings {
                        let ordinal = builders[best].exact.intern(string)
                        if ordinal == exactPostings[best].count { exactPostings[best].append([]) }
                        if exactPostings[best][ordinal].last != posting { exactPostings[best][ordinal].append(posting) }
                    }
                case .prefix(let prefix):
                    builders[best].prefixes.insert(prefix, posting: posting)
                }
            }
        }
        for field in 0..<3 {
            builders[field].exactStart = [0]
            for postings in exactPostings[field] {
                builders[field].exactPool += postings
                builders[field].exactStart.append(Int32(builders[field].exactPool.count))
            }
            builders[field].prefixes.freeze()
        }
        actions = builders[0]
        subjects = builders[1]
        resources = builders[2]
        self.alwaysCandidates = alwaysCandidates
    }

    /// How many policies share each key, per field.
    private static func popularity(_ keys: [[[CompiledTemplate.IndexKey]]]) -> [[CompiledTemplate.IndexKey: Int]] {
        var result: [[CompiledTemplate.IndexKey: Int]] = Array(repeating: [:], count: 3)
        for policyKeys in keys {
            for field in 0..<3 {
                var seen = Set<CompiledTemplate.IndexKey>()
                for key in policyKeys[field] {
                    let units: [CompiledTemplate.IndexKey]
                    if case .exact(let strings) = key { units = strings.map { .exact([$0]) } } else { units = [key] }
                    for unit in units where seen.insert(unit).inserted { result[field][unit, default: 0] += 1 }
                }
            }
        }
        return result
    }

    /// The expected number of policies a request must look at if this policy is filed under these keys.
    private static func cost(_ keys: [CompiledTemplate.IndexKey], _ popularity: [CompiledTemplate.IndexKey: Int],
                             total: Int) -> Int {
        var cost = 0
        for key in keys {
            switch key {
            case .exact(let strings):
                for string in strings { cost += popularity[.exact([string]), default: 1] }
            case .prefix(let prefix):
                // Short prefixes (`users:`) are shared by requests far beyond the policies that name them.
                cost += prefix.count < 2 ? total : popularity[key, default: 1] + total / (prefix.count * 8)
            }
        }
        return cost
    }

    /// Calls `body` with every candidate policy position for the request (a policy may come twice).
    @inline(__always)
    func forEachCandidate(action: UnsafeBufferPointer<UInt8>, subject: UnsafeBufferPointer<UInt8>,
                          resource: UnsafeBufferPointer<UInt8>, _ body: (Int32) -> Void) {
        for candidate in alwaysCandidates { body(candidate) }
        actions.visit(action, body)
        subjects.visit(subject, body)
        resources.visit(resource, body)
    }
}

extension PolicyIndex.FieldIndex {
    @inline(__always)
    func visit(_ needle: UnsafeBufferPointer<UInt8>, _ body: (Int32) -> Void) {
        if exact.count > 0, let ordinal = exact.find(needle) {
            for index in Int(exactStart[ordinal])..<Int(exactStart[ordinal + 1]) { body(exactPool[index]) }
        }
        if !prefixes.isEmpty { prefixes.forEachPosting(along: needle, body) }
    }
}

