import Atomics
import NIOCore
import NIOPosix
public import Logging
public import ServiceLifecycle

/// `iam authz` as a long-running service: binds the decision listener, follows the change feed and ships audit
/// records until graceful shutdown, then stops accepting, flushes the audit buffer (to an apiserver or the spool)
/// and returns.
public struct AuthzService: Service {
    public let configuration: AuthzConfiguration
    public let metrics: AuthzMetrics
    private let logger: Logger
    private let onListening: @Sendable (Int) -> Void

    public init(configuration: AuthzConfiguration, logger: Logger, onListening: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.configuration = configuration
        self.metrics = AuthzMetrics()
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let holder = SnapshotHolder()
        // A group of its own only when asked for a thread count; otherwise NIO's shared one (one loop per core).
        let ownGroup = configuration.eventLoops > 0 ? MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoops) : nil
        let group = ownGroup ?? MultiThreadedEventLoopGroup.singleton
        let eventLoops = Array(group.makeIterator())
        let link = APIServerLink(urls: configuration.apiservers, token: configuration.clusterToken, logger: logger)
        let spool = AuditSpool(path: configuration.effectiveSpoolFile)
        let buffer = configuration.analyticsEnabled
            ? AuditBuffer(
                capacity: max(configuration.recordsPerBatch * 50, 100_000), shards: eventLoops.count,
                batchSize: configuration.recordsPerBatch
            ) { [metrics, logger] shed in
                AuditShipper.keep(shed, in: spool, metrics: metrics, logger: logger)
            }
            : nil
        let context = AuthzContext(
            holder: holder, decider: AuthzDecider(detailedRecording: configuration.detailedRecording), metrics: metrics,
            audit: buffer, maxBodyBytes: configuration.maxBodyBytes, enableMetrics: configuration.enableMetrics,
            eventLoops: eventLoops, tokenCacheSize: configuration.tokenCacheSize)
        let requestedPort = configuration.bindPort < 0 ? 0 : configuration.bindPort
        let server: AuthzHTTPServer
        do {
            server = try await AuthzHTTPServer.bind(
                group: group, host: configuration.bindAddress, port: requestedPort, context: context)
        } catch {
            await link.shutdown()
            try? await ownGroup?.shutdownGracefully()
            throw AuthzStartError("cannot listen on \(configuration.bindAddress):\(requestedPort): \(error)")
        }
        logger.notice("authz listening on http://\(configuration.bindAddress):\(server.port) on \(eventLoops.count) event loops, following \(configuration.apiservers.joined(separator: ", "))")
        onListening(server.port)
        let follower = SnapshotFollower(link: link, holder: holder, metrics: metrics, waitSeconds: configuration.feedWaitSeconds,
                                        detailedRecording: configuration.detailedRecording, logger: logger)
        let shipper = buffer.map {
            AuditShipper(buffer: $0, spool: spool, link: link, metrics: metrics,
                         flushInterval: .milliseconds(Int64(configuration.flushIntervalMilliseconds)), logger: logger)
        }
        let stopShipping = ManagedAtomic(false)
        await withDiscardingTaskGroup { group in
            group.addTask { await cancelWhenGracefulShutdown { await follower.run() } }
            if let shipper { group.addTask { await shipper.run(until: stopShipping) } }
            try? await gracefulShutdown()
            await server.close()
            // After the listener closed, so the last decisions' records are flushed too.
            stopShipping.store(true, ordering: .releasing)
            shipper?.wake()
        }
        await link.shutdown()
        try? await ownGroup?.shutdownGracefully()
        logger.notice("authz stopped")
    }
}

/// The decision listener could not start.
public struct AuthzStartError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
