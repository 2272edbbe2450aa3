import Foundation

/// What a balancing algorithm needs to know about one server at the moment of choosing.
public struct ServerCandidate: Sendable, Equatable {
    /// Index in the backend's server list (declaration order).
    public var index: Int
    public var weight: Int
    public var isBackup: Bool
    /// Up by health checks, not disabled, not in passive failure, not excluded for this request.
    public var isAvailable: Bool
    public var activeConnections: Int
    /// 0 = unlimited.
    public var maxConnections: Int
    /// A stable identity for hashing (the server's name), so choices survive reordering and other servers' state.
    public var hashIdentity: UInt64

    public init(index: Int, weight: Int, isBackup: Bool = false, isAvailable: Bool = true, activeConnections: Int = 0, maxConnections: Int = 0, hashIdentity: UInt64) {
        self.index = index
        self.weight = weight
        self.isBackup = isBackup
        self.isAvailable = isAvailable
        self.activeConnections = activeConnections
        self.maxConnections = maxConnections
        self.hashIdentity = hashIdentity
    }

    var hasFreeSlot: Bool { maxConnections == 0 || activeConnections < maxConnections }

    /// Available, not a backup, and with a weight: what every algorithm chooses among while there is one.
    var isRegularChoice: Bool { isAvailable && !isBackup && weight > 0 }
}

/// The per-event-loop state of one backend's balancing (nginx keeps it per worker too): smooth weighted round
/// robin's current weights, static round robin's position. A pure value: give it candidates, get an index.
public struct ServerChooser: Sendable {
    public let algorithm: BalanceAlgorithmKind
    private var currentWeights: [Int]
    private var staticPosition = 0
    private var staticServed = 0
    private var randomState: UInt64

    /// The algorithm with hashing reduced to "hash with a key"; the key is computed by the caller.
    public enum BalanceAlgorithmKind: Sendable, Equatable {
        case roundRobin, staticRoundRobin, leastConnections, first, random, hash
    }

    public init(algorithm: BalanceAlgorithmKind, serverCount: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        self.algorithm = algorithm
        self.currentWeights = Array(repeating: 0, count: serverCount)
        self.randomState = seed | 1
    }

    /// The chosen server's index, or nil when none is available. Backup servers are used only when no regular
    /// server is available. `hashKey` is used by `.hash` (nil falls back to round robin, as HAProxy does when
    /// the hashed parameter or header is missing).
    public mutating func choose(from candidates: [ServerCandidate], hashKey: UInt64? = nil) -> Int? {
        guard candidates.contains(where: \.isRegularChoice) else {
            // HAProxy uses the first backup only (without option allbackups).
            guard let first = candidates.first(where: { $0.isAvailable && $0.isBackup && $0.weight > 0 }) else { return nil }
            return first.hasFreeSlot ? first.index : nil
        }
        // Round robin, the default, walks the candidates in place; the others choose among the regular ones.
        switch (algorithm, hashKey) {
        case (.roundRobin, _), (.hash, nil):
            return smoothWeighted(candidates)
        case (.hash, let key?):
            return RendezvousHash.choose(key: key, among: candidates.filter(\.isRegularChoice))
        case (.staticRoundRobin, _):
            return staticWeighted(candidates.filter(\.isRegularChoice))
        case (.leastConnections, _):
            return leastConnections(candidates.filter(\.isRegularChoice))
        case (.first, _):
            return candidates.first { $0.isRegularChoice && $0.hasFreeSlot }?.index
        case (.random, _):
            return randomOfTwo(candidates.filter(\.isRegularChoice))
        }
    }

    /// nginx's smooth weighted round robin: each pick adds every server's weight to its current weight, takes the
    /// largest, and subtracts the total from it. Weights 5,1,1 give a a b a c a a — spread, not bursty. Skips what is
    /// not a regular choice, so callers can pass the candidates unfiltered.
    private mutating func smoothWeighted(_ pool: [ServerCandidate]) -> Int? {
        var best: ServerCandidate?
        var total = 0
        for candidate in pool where candidate.isRegularChoice && candidate.hasFreeSlot {
            if candidate.index >= currentWeights.count { currentWeights += Array(repeating: 0, count: candidate.index - currentWeights.count + 1) }
            currentWeights[candidate.index] += candidate.weight
            total += candidate.weight
            if best == nil || currentWeights[candidate.index] > currentWeights[best!.index] { best = candidate }
        }
        guard let best else { return nil }
        currentWeights[best.index] -= total
        return best.index
    }

    /// HAProxy `static-rr`: each server in turn, `weight` requests in a row.
    private mutating func staticWeighted(_ pool: [ServerCandidate]) -> Int? {
        let usable = pool.filter(\.hasFreeSlot)
        guard !usable.isEmpty else { return nil }
        let position = usable.firstIndex { $0.index >= staticPosition } ?? 0
        let current = usable[position]
        if current.index != staticPosition { staticServed = 0 }
        staticServed += 1
        if staticServed >= current.weight {
            staticServed = 0
            staticPosition = usable[(position + 1) % usable.count].index
        } else {
            staticPosition = current.index
        }
        return current.index
    }

    /// Fewest active connections per weight; ties go round robin so equal servers share the load.
    private mutating func leastConnections(_ pool: [ServerCandidate]) -> Int? {
        let usable = pool.filter(\.hasFreeSlot)
        guard !usable.isEmpty else { return nil }
        var lowest = Int.max
        var tied: [ServerCandidate] = []
        for candidate in usable {
            // Compare active/weight without division: scale by the largest weight (≤ 256).
            let load = candidate.activeConnections * 256 / candidate.weight
            if load < lowest {
                lowest = load
                tied = [candidate]
            } else if load == lowest {
                tied.append(candidate)
            }
        }
        return tied.count == 1 ? tied[0].index : smoothWeighted(tied)
    }

    /// HAProxy `random(2)`: draw two servers by weight and keep the less loaded.
    private mutating func randomOfTwo(_ pool: [ServerCandidate]) -> Int? {
        let usable = pool.filter(\.hasFreeSlot)
        guard !usable.isEmpty else { return nil }
        let total = usable.reduce(0) { $0 + $1.weight }
        func draw() -> ServerCandidate {
            var point = Int(nextRandom() % UInt64(total))
            for candidate in usable {
                if point < candidate.weight { return candidate }
                point -= candidate.weight
            }
            return usable[usable.count - 1]
        }
        let a = draw(), b = draw()
        return (a.activeConnections * b.weight <= b.activeConnections * a.weight ? a : b).index
    }

    private mutating func nextRandom() -> UInt64 {
        // xorshift64*: fast, good enough for spreading load; not for secrets.
        randomState ^= randomState >> 12
        randomState ^= randomState << 25
        randomState ^= randomState >> 27
        return randomState &* 0x2545_F491_4F6C_DD1D
    }
}

/// Weighted rendezvous (highest random weight) hashing: each server scores `hash(key, server)`, the best score
/// wins. When a server goes away only the keys it held move; every other key keeps its server — the stability
/// HAProxy's consistent hashing and nginx's `hash … consistent` give.
public enum RendezvousHash {
    public static func choose(key: UInt64, among pool: [ServerCandidate]) -> Int? {
        var best: (index: Int, score: Double)?
        for candidate in pool where candidate.hasFreeSlot {
            let mixed = mix(key ^ mix(candidate.hashIdentity))
            // Map to (0,1) and weight as in weighted rendezvous hashing: score = -w / ln(u).
            let unit = (Double(mixed >> 11) + 0.5) / Double(1 << 53)
            let score = -Double(candidate.weight) / log(unit)
            if best == nil || score > best!.score { best = (candidate.index, score) }
        }
        return best?.index
    }

    /// SplitMix64 finaliser.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a over bytes: the key of a string (path, header value, address).
    public static func key<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
