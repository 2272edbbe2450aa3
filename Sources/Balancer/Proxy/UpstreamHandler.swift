import NIOCore
import NIOHTTP1

/// The side of an exchange that receives what the upstream server sends.
protocol UpstreamExchange: AnyObject {
    func upstreamReceived(_ part: HTTPClientResponsePart)
    func upstreamReadComplete()
    /// The connection closed or failed while this exchange owned it.
    func upstreamFailed(_ error: (any Error)?)
    func upstreamWritabilityChanged(_ writable: Bool)
}

/// The last handler of an upstream connection's pipeline. Owned by one client exchange while a request is in
/// flight, and by its event loop's pool while idle.
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let server: ServerRuntime
    private unowned let loop: LoopContext
    private var context: ChannelHandlerContext?
    var exchange: (any UpstreamExchange)?
    private(set) var idleSince = NIODeadline.now()
    private var isIdle = false
    /// Requests this connection has carried; a failure on a reused connection may be a stale keep-alive.
    private(set) var requestsCarried = 0

    init(server: ServerRuntime, loop: LoopContext) {
        self.server = server
        self.loop = loop
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    var isUsable: Bool { context?.channel.isActive ?? false }
    var isReused: Bool { requestsCarried > 1 }

    func attach(_ exchange: any UpstreamExchange) {
        self.exchange = exchange
        isIdle = false
        requestsCarried += 1
    }

    func becomeIdle(now: NIODeadline) {
        exchange = nil
        isIdle = true
        idleSince = now
    }

    func write(_ part: HTTPClientRequestPart) {
        context?.write(wrapOutboundOut(part), promise: nil)
    }

    func flush() { context?.flush() }

    func setAutoRead(_ enabled: Bool) {
        context?.channel.setOption(ChannelOptions.autoRead, value: enabled).whenFailure { _ in }
    }

    func close() {
        exchange = nil
        if let context, context.channel.isActive { context.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard let exchange else {
            // An idle server must not send anything; whatever it is, the connection cannot be trusted.
            loop.forget(self)
            context.close(promise: nil)
            return
        }
        exchange.upstreamReceived(part)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let exchange {
            self.exchange = nil
            exchange.upstreamFailed(nil)
        } else if isIdle {
            loop.forget(self)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let exchange {
            self.exchange = nil
            exchange.upstreamFailed(error)
        } else if isIdle {
            loop.forget(self)
        }
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.upstreamWritabilityChanged(context.channel.isWritable)
    }
}
