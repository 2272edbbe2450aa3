import Atomics
import NIOHTTP1
import Prometheus
public import BalancerConfiguration
import NIOConcurrencyHelpers
public import NIOCore

/// One server as the engine sees it: where it is, whether it may take traffic, what it is doing. Shared by every
/// event loop; the request path reads atomics only.
public final class ServerRuntime: Sendable {
    public let definition: ServerDefinition
    public let backendName: String
    /// Index in its backend's server list.
    public let index: Int
    /// Index among every server of the configuration: the slot of its idle-connection pool on each event loop.
    public let globalIndex: Int
    public let hashIdentity: UInt64
    public let metrics: ServerMetrics

    private let resolved: NIOLockedValueBox<SocketAddress?>
    private let healthy = ManagedAtomic<Bool>(true)
    private let passiveUntil = ManagedAtomic<Int64>(0)
    private let passive: NIOLockedValueBox<PassiveFailureWindow>
    /// Requests in flight (leastconn, maxconn).
    let activeRequests = ManagedAtomic<Int>(0)

    init(definition: ServerDefinition, backendName: String, index: Int, globalIndex: Int, metrics: ServerMetrics) {
        self.definition = definition
        self.backendName = backendName
        self.index = index
        self.globalIndex = globalIndex
        self.hashIdentity = RendezvousHash.key(definition.name.utf8)
        self.metrics = metrics
        self.resolved = NIOLockedValueBox(nil)
        self.passive = NIOLockedValueBox(PassiveFailureWindow(maxFails: definition.maxFails, failTimeout: definition.failTimeout))
        metrics.up.set(definition.isDisabled ? 0.0 : 1.0)
    }

    public var socketAddress: SocketAddress? { resolved.withLockedValue { $0 } }

    /// Resolves the server's host; false when it does not resolve (the server counts as down until it does).
    @discardableResult
    public func resolve() -> Bool {
        let address = try? SocketAddress.makeAddressResolvingHost(definition.host, port: definition.port)
        resolved.withLockedValue { $0 = address ?? $0 }
        return address != nil || socketAddress != nil
    }

    public var isHealthy: Bool { healthy.load(ordering: .relaxed) }

    /// Whether the server may take a new request now.
    public func isAvailable(now: Int64) -> Bool {
        !definition.isDisabled && healthy.load(ordering: .relaxed) && passiveUntil.load(ordering: .relaxed) <= now
    }

    func setHealthy(_ value: Bool) {
        healthy.store(value, ordering: .relaxed)
        metrics.up.set(value && !definition.isDisabled ? 1.0 : 0.0)
    }

    /// Counts a failed attempt for nginx-style passive health; true when it made the server unavailable.
    func recordPassiveFailure(now: Int64) -> Bool {
        metrics.failures.increment()
        let (tripped, until) = passive.withLockedValue { window in
            let tripped = window.recordFailure(now: now)
            return (tripped, window.unavailableUntil)
        }
        if tripped { passiveUntil.store(until, ordering: .relaxed) }
        return tripped
    }

    func recordPassiveSuccess() {
        guard definition.maxFails > 0 else { return }
        passive.withLockedValue { $0.recordSuccess() }
    }

    public var qualifiedName: String { "\(backendName)/\(definition.name)" }
}

/// A backend with its servers and settings.
public final class BackendRuntime: Sendable {
    public let definition: Backend
    public let servers: [ServerRuntime]
    public let chooserKind: ServerChooser.BalanceAlgorithmKind
    public let metrics: BackendMetrics

    init(definition: Backend, servers: [ServerRuntime], metrics: BackendMetrics) {
        self.definition = definition
        self.servers = servers
        self.metrics = metrics
        switch definition.algorithm {
        case .roundRobin: chooserKind = .roundRobin
        case .staticRoundRobin: chooserKind = .staticRoundRobin
        case .leastConnections: chooserKind = .leastConnections
        case .first: chooserKind = .first
        case .random: chooserKind = .random
        case .hash: chooserKind = .hash
        }
    }

    public var name: String { definition.name }

    /// The key a hash algorithm hashes for this request; nil when the request lacks it.
    func hashKey(for request: RequestContext) -> UInt64? {
        guard case .hash(let key) = definition.algorithm else { return nil }
        switch key {
        case .sourceAddress(let prefix24):
            if prefix24, let bytes = IPNetwork.parseAddress(request.clientAddress), bytes.count == 4 {
                return RendezvousHash.key(bytes[0..<3])
            }
            return RendezvousHash.key(request.clientAddress.utf8)
        case .uri(let includeQuery):
            return includeQuery ? RendezvousHash.key(request.head.uri.utf8) : RendezvousHash.key(request.path.utf8)
        case .urlParameter(let name):
            return request.queryParameter(name).map { RendezvousHash.key($0.utf8) }
        case .header(let name):
            return request.header(name).map { RendezvousHash.key($0.utf8) }
        case .template(let template):
            return RendezvousHash.key(request.render(template).utf8)
        }
    }

    /// True when some server is up but every server that is up is at its `maxconn`: a request should wait.
    func availableServersAreFull(now: Int64) -> Bool {
        let available = servers.filter { $0.isAvailable(now: now) }
        return !available.isEmpty && available.allSatisfy { server in
            server.definition.maxConnections > 0 && server.activeRequests.load(ordering: .relaxed) >= server.definition.maxConnections
        }
    }

    /// Snapshot of the servers for a choice, leaving out `excluded` ones (already tried for this request), written
    /// over `candidates` (the caller's scratch array, so that a choice allocates nothing).
    func collectCandidates(into candidates: inout [ServerCandidate], now: Int64, excluding excluded: [Int]) {
        candidates.removeAll(keepingCapacity: true)
        for server in servers {
            candidates.append(ServerCandidate(
                index: server.index, weight: server.definition.weight, isBackup: server.definition.isBackup,
                isAvailable: server.isAvailable(now: now) && !excluded.contains(server.index),
                activeConnections: server.activeRequests.load(ordering: .relaxed),
                maxConnections: server.definition.maxConnections, hashIdentity: server.hashIdentity
            ))
        }
    }
}
