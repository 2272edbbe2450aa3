import NIOCore
import NIOHTTP1

/// The side of an exchange that receives what the upstream server sends.
protocol UpstreamExchange: AnyObject {
    /// The final response head arrived. Returns whether a chunked body should arrive without its chunk framing.
    func upstreamReceivedHead(_ head: UpstreamResponseHead) -> Bool
    /// Body bytes, raw or de-chunked as the head's answer asked.
    func upstreamReceivedBody(_ bytes: ByteBuffer)
    /// The response is complete; `reusable` says whether the connection may carry another request.
    func upstreamReceivedEnd(reusable: Bool)
    func upstreamReadComplete()
    /// The connection closed or failed while this exchange owned it.
    func upstreamFailed(_ error: (any Error)?)
    func upstreamWritabilityChanged(_ writable: Bool)
}

/// The only handler of an upstream connection's pipeline: writes requests as bytes and reads responses with an
/// ``UpstreamResponseScanner``. Owned by one client exchange while a request is in flight, and by its event
/// loop's pool while idle.
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let server: ServerRuntime
    private unowned let loop: LoopContext
    private var context: ChannelHandlerContext?
    var exchange: (any UpstreamExchange)?
    private(set) var idleSince = NIODeadline.now()
    private var isIdle = false
    /// Requests this connection has carried; a failure on a reused connection may be a stale keep-alive.
    private(set) var requestsCarried = 0
    private var scanner = UpstreamResponseScanner()
    /// Bytes of an incomplete head or chunk-size line, waiting for the next read.
    private var pending: ByteBuffer?
    private var headBuffer = ReusableHeadBuffer()
    private var reusableAfterResponse = false

    init(server: ServerRuntime, loop: LoopContext) {
        self.server = server
        self.loop = loop
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    var isUsable: Bool { context?.channel.isActive ?? false }
    var isReused: Bool { requestsCarried > 1 }

    /// Hands the connection to `exchange` for one request.
    func attach(_ exchange: any UpstreamExchange, requestIsHEAD: Bool) {
        self.exchange = exchange
        isIdle = false
        requestsCarried += 1
        scanner.expectResponse(toHEAD: requestIsHEAD)
    }

    func becomeIdle(now: NIODeadline) {
        exchange = nil
        isIdle = true
        idleSince = now
    }

    // MARK: writing the request

    /// Writes a request head as HTTP/1.1.
    func writeHead(_ head: UpstreamRequestHead) {
        guard let context else { return }
        var out = headBuffer.take(capacity: 256 + head.uri.utf8.count, allocator: context.channel.allocator)
        defer { headBuffer.keep(out) }
        out.writeString(head.method.rawValue)
        out.writeInteger(UInt8(ascii: " "))
        out.writeString(head.uri)
        out.writeStaticString(" HTTP/1.1\r\n")
        for (name, value) in head.headers {
            out.writeString(name)
            out.writeStaticString(": ")
            out.writeString(value)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
        context.write(wrapOutboundOut(out), promise: nil)
    }

    /// Writes body bytes, in a chunk of their own when the request is sent chunked.
    func writeBody(_ bytes: ByteBuffer, chunked: Bool) {
        guard let context, bytes.readableBytes > 0 else { return }
        if chunked { context.write(wrapOutboundOut(ChunkFraming.prefix(bytes.readableBytes, allocator: context.channel.allocator)), promise: nil) }
        context.write(wrapOutboundOut(bytes), promise: nil)
        if chunked { context.write(wrapOutboundOut(ChunkFraming.crlf(allocator: context.channel.allocator)), promise: nil) }
    }

    /// Ends a chunked request body (a length-delimited one ends by itself).
    func writeEnd(chunked: Bool) {
        guard let context, chunked else { return }
        context.write(wrapOutboundOut(ChunkFraming.last(allocator: context.channel.allocator)), promise: nil)
    }

    func flush() { context?.flush() }

    func setAutoRead(_ enabled: Bool) {
        context?.channel.setOption(ChannelOptions.autoRead, value: enabled).whenFailure { _ in }
    }

    func close() {
        exchange = nil
        if let context, context.channel.isActive { context.close(promise: nil) }
    }

    // MARK: reading the response

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard exchange != nil else {
            // An idle server must not send anything; whatever it is, the connection cannot be trusted.
            pending = nil
            loop.forget(self)
            context.close(promise: nil)
            return
        }
        if var held = pending {
            pending = nil
            held.writeImmutableBuffer(bytes)
            bytes = held
        }
        do {
            while let exchange {
                guard let event = try scanner.next(&bytes) else { break }
                switch event {
                case .head(let head):
                    reusableAfterResponse = head.connectionReusable
                    scanner.dechunk = exchange.upstreamReceivedHead(head)
                case .body(let slice):
                    exchange.upstreamReceivedBody(slice)
                case .end:
                    // Bytes after the end of the response mean the server and the proxy disagree on framing.
                    let reusable = reusableAfterResponse && bytes.readableBytes == 0
                    self.exchange = nil
                    exchange.upstreamReceivedEnd(reusable: reusable)
                    if bytes.readableBytes > 0 { context.close(promise: nil) }
                    return
                }
            }
        } catch {
            fail(error, context: context)
            return
        }
        if bytes.readableBytes > 0 { pending = bytes }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let exchange {
            self.exchange = nil
            if scanner.closeEndsResponse {
                exchange.upstreamReceivedEnd(reusable: false)
            } else {
                exchange.upstreamFailed(nil)
            }
        } else if isIdle {
            loop.forget(self)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
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

/// The bytes around a chunk of a chunked body (RFC 9112 §7.1).
enum ChunkFraming {
    static func prefix(_ length: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 18)
        buffer.writeString(String(length, radix: 16))
        buffer.writeStaticString("\r\n")
        return buffer
    }

    static func crlf(allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 2)
        buffer.writeStaticString("\r\n")
        return buffer
    }

    static func last(allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 5)
        buffer.writeStaticString("0\r\n\r\n")
        return buffer
    }
}
