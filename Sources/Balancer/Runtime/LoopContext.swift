import Atomics
import NIOCore
import NIOPosix
import Prometheus

/// What one event loop owns: balancing state per backend, idle upstream connections per server, the client
/// connections whose timers it sweeps. Touched only on its loop, so nothing here takes a lock.
final class LoopContext: @unchecked Sendable {
    let eventLoop: any EventLoop
    private var choosers: [ObjectIdentifier: ServerChooser] = [:]
    /// Scratch for the candidates of one choice, reused.
    private var candidates: [ServerCandidate] = []
    private var idle: [[UpstreamHandler]]
    private var clients: [ObjectIdentifier: ClientHTTPHandler] = [:]
    let accessLog: AccessLogBuffer

    init(eventLoop: any EventLoop, serverCount: Int, accessLog: AccessLogBuffer) {
        self.eventLoop = eventLoop
        self.idle = Array(repeating: [], count: serverCount)
        self.accessLog = accessLog
    }

    /// Picks a server of `backend` for `request`, leaving out `excluded` indexes.
    func chooseServer(_ backend: BackendRuntime, request: RequestContext, excluding excluded: [Int], now: Int64) -> ServerRuntime? {
        backend.collectCandidates(into: &candidates, now: now, excluding: excluded)
        let hashKey = backend.hashKey(for: request)
        // Mutated in place in the dictionary: no copy of the chooser's state per request.
        let index = choosers[ObjectIdentifier(backend), default: ServerChooser(
            algorithm: backend.chooserKind, serverCount: backend.servers.count,
            seed: UInt64(truncatingIfNeeded: ObjectIdentifier(self).hashValue) | 1
        )].choose(from: candidates, hashKey: hashKey)
        return index.map { backend.servers[$0] }
    }

    // MARK: idle upstream connections

    func takeIdle(_ server: ServerRuntime) -> UpstreamHandler? {
        while let handler = idle[server.globalIndex].popLast() {
            server.metrics.idleConnections.decrement()
            if handler.isUsable { return handler }
        }
        return nil
    }

    /// Keeps a finished upstream connection for reuse, or closes it when the pool is full.
    func release(_ handler: UpstreamHandler, limit: Int) {
        let server = handler.server
        guard handler.isUsable, idle[server.globalIndex].count < limit else {
            handler.close()
            return
        }
        handler.becomeIdle(now: NIODeadline.now())
        idle[server.globalIndex].append(handler)
        server.metrics.idleConnections.increment()
    }

    func forget(_ handler: UpstreamHandler) {
        let index = handler.server.globalIndex
        if let position = idle[index].firstIndex(where: { $0 === handler }) {
            idle[index].remove(at: position)
            handler.server.metrics.idleConnections.decrement()
        }
    }

    // MARK: client timers

    func register(_ client: ClientHTTPHandler) { clients[ObjectIdentifier(client)] = client }
    func unregister(_ client: ClientHTTPHandler) { clients.removeValue(forKey: ObjectIdentifier(client)) }

    /// Runs every 250 ms: expires client and upstream timers, closes long-idle upstream connections, flushes the
    /// access log.
    func sweep(idleUpstreamLimit: TimeAmount) {
        let now = NIODeadline.now()
        for client in Array(clients.values) { client.checkTimers(now: now) }
        for index in idle.indices {
            while let oldest = idle[index].first, oldest.idleSince + idleUpstreamLimit < now {
                idle[index].removeFirst()
                oldest.server.metrics.idleConnections.decrement()
                oldest.close()
            }
        }
        accessLog.flush()
    }

    /// Set once the process is stopping: kept-alive connections close after their current response.
    private(set) var isStopping = false

    /// Stops reusing client connections: idle ones close now, busy ones after their response.
    func beginStopping() {
        isStopping = true
        for client in Array(clients.values) where client.phase == .idle { client.closeNow() }
    }

    /// Client connections with a request in progress.
    var busyClients: Int { clients.values.reduce(0) { $0 + ($1.phase == .idle ? 0 : 1) } }

    func closeEverything() {
        for client in Array(clients.values) { client.closeNow() }
        for list in idle { for handler in list { handler.close() } }
        idle = Array(repeating: [], count: idle.count)
        accessLog.flush()
    }
}
