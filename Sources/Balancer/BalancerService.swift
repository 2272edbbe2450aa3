import BalancerConfiguration
public import Logging
import ManagementHTTP
import NIOCore
import NIOHTTP1
import NIOPosix
public import ServiceLifecycle

/// `iam lb` as a service: listeners for every frontend, health checks, the admin listener (`/metrics`,
/// `/healthz`). Stops accepting on graceful shutdown and lets requests in flight finish (up to `drainTimeout`).
public struct BalancerService: Service {
    public struct Options: Sendable {
        public var eventLoops: Int
        /// `HOST:PORT` of the admin listener, nil for none.
        public var adminAddress: String?
        public var drainTimeout: Duration = .seconds(10)
        /// Called with the bound `(frontend, port)` pairs once every listener is up (tests bind port 0).
        public var onListening: @Sendable ([(String, Int)]) -> Void = { _ in }
        public var onAdminListening: @Sendable (Int) -> Void = { _ in }

        public init(eventLoops: Int, adminAddress: String?) {
            self.eventLoops = eventLoops
            self.adminAddress = adminAddress
        }
    }

    let runtime: BalancerRuntime
    let options: Options
    let logger: Logger

    public init(runtime: BalancerRuntime, options: Options, logger: Logger) {
        self.runtime = runtime
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options.eventLoops))
        let logger = self.logger
        let sinks = try accessLogSinks()
        var loops: [ObjectIdentifier: LoopContext] = [:]
        for loop in group.makeIterator() {
            let buffer = AccessLogBuffer(sinks: sinks) { message in logger.warning("\(message)") }
            loops[ObjectIdentifier(loop)] = LoopContext(eventLoop: loop, serverCount: runtime.serverCount, accessLog: buffer)
        }
        let contexts = loops
        var sweeps: [RepeatedTask] = []
        for context in contexts.values {
            sweeps.append(context.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(250), delay: .milliseconds(250)) { _ in
                context.sweep(idleUpstreamLimit: .seconds(50))
            })
        }
        var listeners: [any Channel] = []
        var bound: [(String, Int)] = []
        let limiter = ConnectionLimiter(limit: runtime.configuration.maxConnections, metrics: runtime.metrics)
        if let limit = limiter.limit { logger.info("at most \(limit) client connections (maxconn); more wait in the listen backlog") }
        do {
            for frontend in runtime.frontends {
                for bind in frontend.definition.binds {
                    if bind.tlsCertificates != nil {
                        throw BalancerStartError("\(bind.location): TLS termination (\(bind.address) ssl) is not available in this version of iam lb; terminate TLS in front of it or drop the ssl listener")
                    }
                    let channel = try await listen(bind, frontend: frontend, group: group, contexts: contexts, limiter: limiter)
                    limiter.register(channel)
                    listeners.append(channel)
                    bound.append((frontend.definition.name, channel.localAddress?.port ?? bind.address.port))
                    logger.info("frontend \(frontend.definition.name) listening on \(channel.localAddress.map { "\($0)" } ?? "\(bind.address)")")
                }
            }
        } catch {
            for channel in listeners { try? await channel.close() }
            try? await group.shutdownGracefully()
            throw error
        }
        options.onListening(bound)
        let checker = HealthChecker(backends: Array(runtime.backends.values), group: group, logger: logger)
        let admin = try options.adminAddress.map { address in
            try ManagementListener(
                address: address,
                routes: [.health("/healthz"), .metrics("/metrics") { [runtime] in runtime.metrics.exposition() }],
                logger: logger, onListening: options.onAdminListening
            )
        }
        // Health checks and the admin listener run until shutdown; a failing admin listener stops everything.
        do {
            try await withThrowingTaskGroup(of: Bool.self) { tasks in
                tasks.addTask {
                    await checker.run()
                    return false
                }
                if let admin {
                    tasks.addTask {
                        try await admin.run()
                        return false
                    }
                }
                tasks.addTask {
                    try? await gracefulShutdown()
                    return true
                }
                for try await shutdownRequested in tasks where shutdownRequested { break }
                tasks.cancelAll()
            }
        } catch {
            logger.error("admin listener failed: \(error)")
            for channel in listeners { try? await channel.close() }
            for sweep in sweeps { sweep.cancel() }
            try? await group.shutdownGracefully()
            throw BalancerStartError("admin listener \(options.adminAddress ?? ""): \(error)")
        }
        logger.info("stopping: no new connections; requests in flight get up to \(options.drainTimeout)")
        for channel in listeners { try? await channel.close() }
        for context in contexts.values {
            try? await context.eventLoop.submit { context.beginStopping() }.get()
        }
        let drainDeadline = ContinuousClock.now + options.drainTimeout
        while ContinuousClock.now < drainDeadline {
            var busy = 0
            for context in contexts.values { busy += (try? await context.eventLoop.submit { context.busyClients }.get()) ?? 0 }
            if busy == 0 { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        for sweep in sweeps { sweep.cancel() }
        for context in contexts.values {
            try? await context.eventLoop.submit { context.closeEverything() }.get()
        }
        try await group.shutdownGracefully()
    }

    private func accessLogSinks() throws -> [String: AccessLogSink] {
        var sinks: [String: AccessLogSink] = [:]
        var byDestination: [String: AccessLogSink] = [:]
        for frontend in runtime.frontends {
            guard let log = frontend.definition.accessLog else { continue }
            let key = "\(log.destination)"
            do {
                let sink = try byDestination[key] ?? AccessLogSink(destination: log.destination)
                byDestination[key] = sink
                sinks[frontend.definition.name] = sink
            } catch {
                throw BalancerStartError("frontend \(frontend.definition.name): \(error)")
            }
        }
        return sinks
    }

    private func listen(
        _ bind: Bind, frontend: FrontendRuntime, group: MultiThreadedEventLoopGroup, contexts: [ObjectIdentifier: LoopContext],
        limiter: ConnectionLimiter
    ) async throws -> any Channel {
        let mode = frontend.definition.mode
        let tcpBackend = frontend.definition.tcpBackend.flatMap { frontend.backends[$0] }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                let admitted = limiter.opened()
                channel.closeFuture.whenComplete { _ in limiter.closed() }
                guard admitted else { return channel.close() }
                return channel.eventLoop.makeCompletedFuture {
                    let loop = contexts[ObjectIdentifier(channel.eventLoop)]!
                    switch mode {
                    case .tcp:
                        try channel.pipeline.syncOperations.addHandler(TCPRelayHandler(frontend: frontend, backend: tcpBackend, loop: loop))
                    case .http:
                        // Requests are read from the bytes and responses written as bytes by the handler itself.
                        try channel.pipeline.syncOperations.addHandler(
                            ClientHTTPHandler(frontend: frontend, loop: loop, settings: ProxySettingsOfProcess())
                        )
                    }
                }
            }
        let host = bind.address.host ?? "0.0.0.0"
        do {
            return try await bootstrap.bind(host: host, port: bind.address.port).get()
        } catch {
            throw BalancerStartError("\(bind.location): cannot listen on \(bind.address) for \(frontend.definition.name): \(error)")
        }
    }
}

/// Why `iam lb` could not start.
public struct BalancerStartError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
