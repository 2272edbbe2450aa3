import BalancerConfiguration
import Logging
import NIOCore
import NIOPosix
import Prometheus

/// Runs the active checks of every server that has them, one task per server, and moves servers between UP and
/// DOWN as ``HealthCheckState`` decides.
struct HealthChecker: Sendable {
    let backends: [BackendRuntime]
    let group: any EventLoopGroup
    let logger: Logger

    func run() async {
        await withTaskGroup(of: Void.self) { tasks in
            for backend in backends {
                for server in backend.servers where server.definition.checks && !server.definition.isDisabled {
                    tasks.addTask { await self.watch(server, backend: backend) }
                }
            }
        }
    }

    private func watch(_ server: ServerRuntime, backend: BackendRuntime) async {
        let definition = server.definition
        var state = HealthCheckState(
            rise: definition.rise, fall: definition.fall, interval: definition.checkInterval,
            fastInterval: definition.checkFastInterval, downInterval: definition.checkDownInterval,
            initial: server.isHealthy ? .up : .down
        )
        while !Task.isCancelled {
            let started = ContinuousClock.now
            let result = await check(server, backend: backend)
            let elapsed = ContinuousClock.now - started
            server.metrics.checkDuration.set(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
            if result != nil { server.metrics.checkFailures.increment() }
            switch state.record(success: result == nil) {
            case .wentDown?:
                server.setHealthy(false)
                logger.warning("Server \(server.qualifiedName) is DOWN, reason: \(result ?? "check failed"), check duration: \(milliseconds(elapsed))ms. \(remaining(backend)) active and \(remainingBackups(backend)) backup servers left.")
            case .wentUp?:
                server.setHealthy(true)
                logger.notice("Server \(server.qualifiedName) is UP, reason: \(checkName(backend)) check passed, check duration: \(milliseconds(elapsed))ms. \(remaining(backend)) active and \(remainingBackups(backend)) backup servers online.")
            case nil:
                break
            }
            do { try await Task.sleep(for: state.nextInterval) } catch { return }
        }
    }

    /// nil when the check passed; otherwise HAProxy's reason text.
    private func check(_ server: ServerRuntime, backend: BackendRuntime) async -> String? {
        if server.socketAddress == nil || !server.isHealthy {
            // Re-resolve names that did not resolve (or moved) while the server is down.
            server.resolve()
        }
        guard let address = server.socketAddress else { return "Layer4 connection problem, info: \"could not resolve \(server.definition.host)\"" }
        let timeout = (backend.definition.checkTimeout ?? min(server.definition.checkInterval, backend.definition.connectTimeout)).timeAmount
        let reader = StatusLineReader()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(reader) }
                }
                .connect(to: address).get()
        } catch {
            return "Layer4 connection problem, info: \"\(error)\""
        }
        guard case .http(let method, let path, let host, let expected) = backend.definition.healthCheck else {
            try? await channel.close()
            return nil
        }
        let request = "\(method) \(path) HTTP/1.0\r\n" + (host.map { "Host: \($0)\r\n" } ?? "") + "Connection: close\r\nUser-Agent: iam-lb-check\r\n\r\n"
        let status: Int?
        do {
            try await channel.writeAndFlush(channel.allocator.buffer(string: request)).get()
            status = try await reader.status(timeout: timeout, on: channel.eventLoop).get()
        } catch {
            try? await channel.close()
            return "Layer7 timeout, info: \"no status line within \(timeout.nanoseconds / 1_000_000)ms\""
        }
        try? await channel.close()
        guard let status else { return "Layer7 invalid response, info: \"not an HTTP status line\"" }
        guard expected.contains(status) else { return "Layer7 wrong status, code: \(status), info: \"expected \(expected.lowerBound)-\(expected.upperBound)\"" }
        return nil
    }

    private func remaining(_ backend: BackendRuntime) -> Int { backend.servers.filter { !$0.definition.isBackup && $0.isHealthy }.count }
    private func remainingBackups(_ backend: BackendRuntime) -> Int { backend.servers.filter { $0.definition.isBackup && $0.isHealthy }.count }
    private func checkName(_ backend: BackendRuntime) -> String {
        if case .http = backend.definition.healthCheck { return "Layer7" }
        return "Layer4"
    }
    private func milliseconds(_ duration: Duration) -> Int64 { duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000 }
}

/// Reads the status code of an HTTP response's first line.
private final class StatusLineReader: ChannelInboundHandler, @unchecked Sendable {
    // Touched only on its channel's event loop.
    typealias InboundIn = ByteBuffer
    private var bytes: [UInt8] = []
    private var promise: EventLoopPromise<Int?>?
    private var result: Int??

    func status(timeout: TimeAmount, on loop: any EventLoop) -> EventLoopFuture<Int?> {
        loop.flatSubmit {
            if let result = self.result { return loop.makeSucceededFuture(result) }
            let promise = loop.makePromise(of: Int?.self)
            self.promise = promise
            loop.scheduleTask(in: timeout) { self.complete(.failure(ChannelError.connectTimeout(timeout))) }
            return promise.futureResult
        }
    }

    private func complete(_ outcome: Result<Int?, any Error>) {
        if case .success(let value) = outcome, result == nil { result = value }
        guard let promise else { return }
        self.promise = nil
        promise.completeWith(outcome)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard result == nil else { return }
        bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard let end = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            if bytes.count > 4096 { complete(.success(nil)) }
            return
        }
        let line = String(decoding: bytes[..<end], as: UTF8.self)
        let parts = line.split(separator: " ")
        if parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...599).contains(code) {
            complete(.success(code))
        } else {
            complete(.success(nil))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if result == nil { complete(.success(nil)) }
    }
}
