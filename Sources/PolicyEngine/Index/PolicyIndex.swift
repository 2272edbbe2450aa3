/// Narrows a policy set to the few policies that can match a request.
///
/// Every policy is filed under one of its three template lists — the one whose keys are shared by the
/// fewest other policies — by the exact strings its templates can match (`<get|list>`) or by their
/// literal prefix (`users:t0169-` for `users:<t0169-.*>`). A request looks up its action, subject and
/// resource in the three indexes; policies no key can describe (malformed, or `<.*>` everywhere) are
/// always candidates.
final class PolicyIndex: Sendable {
    /// One field's keys: exact strings (each with its run of postings in `exactPool`) and literal prefixes.
    struct FieldIndex: Sendable {
        var exact = ByteStringTable()
        /// The postings of exact string `ordinal` are `exactPool[exactStart[ordinal]..<exactStart[ordinal + 1]]`.
        var exactStart: [Int32] = [0]
        var exactPool: [Int32] = []
        var prefixes = PrefixTrie()
    }

    /// Where a body is filed: a field's raw value, or one of these.
    static let alwaysCandidate: Int8 = -1
    static let neverCandidate: Int8 = -2

    private let actions: FieldIndex
    private let subjects: FieldIndex
    private let resources: FieldIndex
    /// Policies evaluated for every request.
    let alwaysCandidates: [Int32]
    /// Per body: the field it is filed under (``CompiledPolicy/Field`` raw value), ``alwaysCandidate`` or
    /// ``neverCandidate``.
    let placement: [Int8]
    /// How many bodies share each key, per field: kept so that a rebuilt set places only its new bodies.
    private let popularity: [[CompiledTemplate.IndexKey: Int]]
    /// Bodies placed since every body was last placed with the popularity of its time.
    let placedSinceFullPlacement: Int

    /// - Parameters:
    ///   - previousBody: for each body, its number in `previous` or -1 (``PolicyBodies/previousBody``).
    ///   - previous: the index and bodies of the set this one replaces. Bodies it had keep their place and only
    ///     new bodies are placed, against key counts updated by what was added and dropped; once as many bodies have
    ///     been placed that way as the set has, every body is placed afresh.
    init(_ policies: [CompiledPolicy], previousBody: [Int32] = [],
         reusing previous: (index: PolicyIndex, compiled: [CompiledPolicy])? = nil) {
        var placement: [Int8]
        var popularity: [[CompiledTemplate.IndexKey: Int]]
        let incremental = previous.map { $0.index.placedSinceFullPlacement < policies.count } ?? false
        if let previous, incremental {
            popularity = previous.index.popularity
            var kept = Array(repeating: false, count: previous.compiled.count)
            for body in previousBody where body >= 0 { kept[Int(body)] = true }
            for (body, wasKept) in kept.enumerated() where !wasKept {
                PolicyIndex.count(previous.compiled[body], into: &popularity, by: -1)
            }
            for (body, policy) in policies.enumerated() where previousBody[body] < 0 {
                PolicyIndex.count(policy, into: &popularity, by: 1)
            }
            placement = previousBody.map { $0 >= 0 ? previous.index.placement[Int($0)] : PolicyIndex.neverCandidate }
            var placed = previous.index.placedSinceFullPlacement
            for (body, policy) in policies.enumerated() where previousBody[body] < 0 {
                placement[body] = PolicyIndex.place(policy, popularity, total: policies.count)
                placed += 1
            }
            placedSinceFullPlacement = placed
        } else {
            popularity = Array(repeating: [:], count: 3)
            for policy in policies { PolicyIndex.count(policy, into: &popularity, by: 1) }
            placement = policies.map { PolicyIndex.place($0, popularity, total: policies.count) }
            placedSinceFullPlacement = 0
        }
        // Bodies the previous index had are renumbered; new ones are filed by their keys.
        var renumber = [Int32](repeating: -1, count: previous?.compiled.count ?? 0)
        var additions: [[(posting: Int32, keys: [CompiledTemplate.IndexKey])]] = [[], [], []]
        let base = incremental ? previous.map { [$0.index.actions, $0.index.subjects, $0.index.resources] } : nil
        var alwaysCandidates: [Int32] = []
        for (body, policy) in policies.enumerated() {
            let field = Int(placement[body])
            if placement[body] == PolicyIndex.alwaysCandidate { alwaysCandidates.append(Int32(body)) }
            if incremental, previousBody[body] >= 0 {
                renumber[Int(previousBody[body])] = Int32(body)
            } else if field >= 0 {
                additions[field].append((Int32(body), policy.indexKeys[field]))
            }
        }
        let fields = (0..<3).map { field in
            (base?[field] ?? FieldIndex()).updated(renumber: renumber, adding: additions[field])
        }
        actions = fields[0]
        subjects = fields[1]
        resources = fields[2]
        self.alwaysCandidates = alwaysCandidates
        self.placement = placement
        self.popularity = popularity
    }

    /// The field whose keys the fewest other bodies share, or whether the body is always or never a candidate.
    private static func place(_ policy: CompiledPolicy, _ popularity: [[CompiledTemplate.IndexKey: Int]], total: Int) -> Int8 {
        if policy.hasMalformedTemplate { return alwaysCandidate }
        // A policy with an empty list matches nothing and cannot fail: never a candidate.
        if policy.hasEmptyList { return neverCandidate }
        let costs = (0..<3).map { cost(policy.indexKeys[$0], popularity[$0], total: total) }
        let best = costs.indices.min { costs[$0] < costs[$1] }!
        return costs[best] < total ? Int8(best) : alwaysCandidate
    }

    /// Adds `delta` to the count of every key of the body, per field, each key once per body.
    private static func count(_ policy: CompiledPolicy, into popularity: inout [[CompiledTemplate.IndexKey: Int]], by delta: Int) {
        for field in 0..<3 {
            var seen = Set<CompiledTemplate.IndexKey>()
            for key in policy.indexKeys[field] {
                let units: [CompiledTemplate.IndexKey]
                if case .exact(let strings) = key, strings.count > 1 { units = strings.map { .exact([$0]) } } else { units = [key] }
                for unit in units where seen.insert(unit).inserted {
                    let count = popularity[field][unit, default: 0] + delta
                    popularity[field][unit] = count > 0 ? count : nil
                }
            }
        }
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
    /// This field's index with every posting `p` renumbered to `renumber[p]` (-1 drops it) and `additions` filed
    /// under their keys. Strings whose postings all went stay in the table with none (until a full rebuild).
    func updated(renumber: [Int32],
                 adding additions: [(posting: Int32, keys: [CompiledTemplate.IndexKey])]) -> PolicyIndex.FieldIndex {
        var result = self
        var addedExact: [(ordinal: Int32, posting: Int32)] = []
        var addedPrefixes: [(prefix: [UInt8], posting: Int32)] = []
        for (posting, keys) in additions {
            for key in keys {
                switch key {
                case .exact(let strings):
                    for string in strings { addedExact.append((Int32(result.exact.intern(string)), posting)) }
                case .prefix(let prefix):
                    addedPrefixes.append((prefix, posting))
                }
            }
        }
        addedExact.sort { $0.ordinal == $1.ordinal ? $0.posting < $1.posting : $0.ordinal < $1.ordinal }
        result.exactStart = [0]
        result.exactStart.reserveCapacity(result.exact.count + 1)
        result.exactPool = []
        result.exactPool.reserveCapacity(exactPool.count + addedExact.count)
        var nextAdded = 0
        for ordinal in 0..<result.exact.count {
            if ordinal + 1 < exactStart.count {
                for index in Int(exactStart[ordinal])..<Int(exactStart[ordinal + 1]) {
                    let renumbered = renumber[Int(exactPool[index])]
                    if renumbered >= 0 { result.exactPool.append(renumbered) }
                }
            }
            let runStart = result.exactPool.count
            while nextAdded < addedExact.count, addedExact[nextAdded].ordinal == Int32(ordinal) {
                let posting = addedExact[nextAdded].posting
                if result.exactPool.count == runStart || result.exactPool.last != posting { result.exactPool.append(posting) }
                nextAdded += 1
            }
            result.exactStart.append(Int32(result.exactPool.count))
        }
        result.prefixes = prefixes.updated(renumber: renumber, adding: addedPrefixes)
        return result
    }

    @inline(__always)
    func visit(_ needle: UnsafeBufferPointer<UInt8>, _ body: (Int32) -> Void) {
        if exact.count > 0, let ordinal = exact.find(needle) {
            for index in Int(exactStart[ordinal])..<Int(exactStart[ordinal + 1]) { body(exactPool[index]) }
        }
        if !prefixes.isEmpty { prefixes.forEachPosting(along: needle, body) }
    }
}

