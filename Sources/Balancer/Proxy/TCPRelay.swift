import Atomics
import BalancerConfiguration
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus

/// A `mode tcp` client connection: chooses a server, connects (retrying others on failure), then relays bytes
/// both ways with backpressure.
final class TCPRelayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let frontend: FrontendRuntime
    private let backend: BackendRuntime?
    private let loop: LoopContext
    private var context: ChannelHandlerContext?
    private var partner: RelayPartnerHandler?
    private var held: [ByteBuffer] = []
    private var tried: [Int] = []
    private var attempts = 0
    private var server: ServerRuntime?

    init(frontend: FrontendRuntime, backend: BackendRuntime?, loop: LoopContext) {
        self.frontend = frontend
        self.backend = backend
        self.loop = loop
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        frontend.metrics.connections.increment()
        frontend.metrics.currentConnections.increment()
        connect(context: context)
        context.fireChannelActive()
    }

    private func connect(context: ChannelHandlerContext) {
        guard let backend else {
            context.close(promise: nil)
            return
        }
        let address = context.channel.remoteAddress?.ipAddress ?? "-"
        let request = RequestContext(head: .init(version: .http1_1, method: .GET, uri: "/"), clientAddress: address, clientPort: 0, isTLS: false, localPort: 0)
        let now = Int64(NIODeadline.now().uptimeNanoseconds)
        guard let server = loop.chooseServer(backend, request: request, excluding: tried, now: now), let target = server.socketAddress else {
            backend.metrics.noServer.increment()
            context.close(promise: nil)
            return
        }
        attempts += 1
        self.server = server
        server.activeRequests.wrappingIncrement(ordering: .relaxed)
        let client = context.channel
        ClientBootstrap(group: context.eventLoop)
            .connectTimeout(backend.definition.connectTimeout.timeAmount)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RelayPartnerHandler(client: client))
                }
            }
            .connect(to: target)
            .assumeIsolatedUnsafeUnchecked()
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    server.metrics.requests.increment()
                    let partner = try! channel.pipeline.syncOperations.handler(type: RelayPartnerHandler.self)
                    guard client.isActive else {
                        channel.close(promise: nil)
                        return
                    }
                    self.partner = partner
                    for buffer in self.held { channel.write(buffer, promise: nil) }
                    self.held.removeAll()
                    channel.flush()
                case .failure:
                    server.activeRequests.wrappingDecrement(ordering: .relaxed)
                    self.server = nil
                    backend.metrics.connectionErrors.increment()
                    _ = server.recordPassiveFailure(now: Int64(NIODeadline.now().uptimeNanoseconds))
                    self.tried.append(server.index)
                    if self.attempts <= backend.definition.retries, client.isActive {
                        self.connect(context: context)
                    } else {
                        context.close(promise: nil)
                    }
                }
            }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        frontend.metrics.bytesIn.increment(by: Int64(buffer.readableBytes))
        if let partner { partner.send(buffer) } else { held.append(buffer) }
    }

    func channelReadComplete(context: ChannelHandlerContext) { partner?.flush() }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        partner?.setAutoRead(context.channel.isWritable)
    }

    func channelInactive(context: ChannelHandlerContext) {
        frontend.metrics.currentConnections.decrement()
        if let server { server.activeRequests.wrappingDecrement(ordering: .relaxed) }
        server = nil
        partner?.close()
        partner = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

/// The server side of a TCP relay.
final class RelayPartnerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let client: any Channel
    private var context: ChannelHandlerContext?

    init(client: any Channel) { self.client = client }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func send(_ buffer: ByteBuffer) { context?.write(wrapOutboundOut(buffer), promise: nil) }
    func flush() { context?.flush() }
    func close() { context?.close(promise: nil) }
    func setAutoRead(_ enabled: Bool) { context?.channel.setOption(ChannelOptions.autoRead, value: enabled).whenFailure { _ in } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        client.write(unwrapInboundIn(data), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) { client.flush() }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        client.setOption(ChannelOptions.autoRead, value: context.channel.isWritable).whenFailure { _ in }
    }

    func channelInactive(context: ChannelHandlerContext) { client.close(promise: nil) }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
