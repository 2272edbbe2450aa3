import Foundation
import HTTPWire
import IAMResources
import NIOCore

/// One connection of the authz server, as a SwiftNIO channel handler on the raw bytes: `POST /v1/authz` decided on
/// the event loop that read it (no hop into Swift Concurrency, no general-purpose HTTP pipeline), plus `/healthz`,
/// `/version` and `/metrics`. Requests are read by ``HTTPRequestScanner``; answers are written as one buffer each
/// and flushed once per read, so pipelined requests share a write.
final class AuthzHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let context: AuthzContext
    private var scanner: HTTPRequestScanner
    private var pending: ByteBuffer?
    private var head: ScannedRequestHead?
    private var body: ByteBuffer?
    private var needsFlush = false
    private var closing = false
    /// The audit shard and token cache of the event loop this connection runs on, found once when it is added.
    private var shard = 0
    private var tokens: VerifiedTokenCache?

    init(context: AuthzContext, maxHeadBytes: Int = 16 << 10) {
        self.context = context
        scanner = HTTPRequestScanner(maxHeadBytes: maxHeadBytes)
    }

    func handlerAdded(context channelContext: ChannelHandlerContext) {
        shard = context.shard(of: channelContext.eventLoop)
        tokens = context.tokenCache(of: channelContext.eventLoop)
    }

    func channelRead(context channelContext: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        guard !closing else { return }
        if pending == nil || pending!.readableBytes == 0 {
            pending = incoming
        } else {
            pending!.writeBuffer(&incoming)
        }
        do {
            while !closing, let event = try scanner.next(&pending!) {
                handle(event, channelContext)
            }
        } catch {
            refuse(channelContext, status: error.status, error: IAMError(.bind, "malformed HTTP request: \(error.reason)"))
        }
        if let buffer = pending, buffer.readableBytes == 0 { pending = nil } else { pending?.discardReadBytes() }
    }

    func channelReadComplete(context channelContext: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            channelContext.flush()
        }
    }

    private func handle(_ event: HTTPRequestScanner.Event, _ channelContext: ChannelHandlerContext) {
        switch event {
        case .head(let head):
            self.head = head
            body = nil
            if case .length(let length) = head.framing, length > context.maxBodyBytes {
                refuseBody(channelContext)
            } else if head.expectContinue, head.framing != .none {
                channelContext.write(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")), promise: nil)
                needsFlush = true
            }
        case .body(var chunk):
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
            if body!.readableBytes > context.maxBodyBytes { refuseBody(channelContext) }
        case .end:
            guard let head else { return }
            self.head = nil
            respond(channelContext, head)
        }
    }

    private func refuseBody(_ channelContext: ChannelHandlerContext) {
        let error = IAMError(.bodyTooLarge, "the body is larger than server.max-body-bytes (\(context.maxBodyBytes) bytes)")
        // The rest of the body is not read: the connection closes after the answer.
        refuse(channelContext, status: 413, error: error)
    }

    /// Answers and closes: the rest of the stream cannot be trusted to start a request.
    private func refuse(_ channelContext: ChannelHandlerContext, status: Int, error: IAMError) {
        let minor = head?.minorVersion ?? 1
        head = nil
        body = nil
        closing = true
        write(channelContext, minorVersion: minor, isHead: false, status: status, body: AuthzDecider.errorBody(error), close: true)
    }

    private func respond(_ channelContext: ChannelHandlerContext, _ head: ScannedRequestHead) {
        let path = head.path
        let json = "application/json; charset=utf-8"
        switch (head.method, path) {
        case ("POST", "/v1/authz"):
            let request = body ?? ByteBuffer()
            body = nil
            // Decided on the body in place, in the buffer it was read into.
            let outcome = request.withUnsafeReadableBytes { raw in
                context.decide(authorization: head.authorization, body: raw.bindMemory(to: UInt8.self), shard: shard, tokens: tokens)
            }
            reply(channelContext, head, outcome.status, outcome.body, json)
        case ("GET", "/healthz"), ("HEAD", "/healthz"):
            if context.holder.snapshot != nil {
                reply(channelContext, head, 200, #"{"status":"ok"}"#, json)
            } else {
                reply(channelContext, head, 503, #"{"status":"no snapshot yet: the apiserver has not been reached"}"#, json)
            }
        case ("GET", "/version"):
            reply(channelContext, head, 200, BuildInfo.json, json)
        case ("GET", "/metrics") where context.enableMetrics:
            context.refreshGauges()
            reply(channelContext, head, 200, context.metrics.text, "text/plain; version=0.0.4; charset=utf-8")
        default:
            // marmotedu/iam authenticates before routing: an unknown path with a bad token is a 401, not a 404.
            let error = context.authenticationError(head.authorization)
                ?? IAMError(.pageNotFound, "\(head.method) \(path) is not served here; decisions are POST /v1/authz")
            reply(channelContext, head, error.code.httpStatus, AuthzDecider.errorBody(error), json)
        }
        if !head.keepAlive { closing = true }
    }

    /// The answer to `head`: its HTTP version, no body for `HEAD`, closing when the client asked to.
    private func reply(_ channelContext: ChannelHandlerContext, _ head: ScannedRequestHead, _ status: Int, _ text: String,
                       _ contentType: String) {
        write(channelContext, minorVersion: head.minorVersion, isHead: head.method == "HEAD", status: status, body: text,
              close: !head.keepAlive, contentType: contentType)
    }

    private func write(_ channelContext: ChannelHandlerContext, minorVersion: Int, isHead: Bool, status: Int, body: String,
                       close: Bool, contentType: String = "application/json; charset=utf-8") {
        let length = body.utf8.count
        var buffer = channelContext.channel.allocator.buffer(capacity: length + 160)
        buffer.writeString(minorVersion == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        buffer.writeString(HTTPStatusLine.text(status))
        buffer.writeString("\r\ncontent-type: ")
        buffer.writeString(contentType)
        buffer.writeString("\r\ncontent-length: ")
        buffer.writeString(String(length))
        if close {
            buffer.writeString("\r\nconnection: close")
        } else if minorVersion == 0 {
            buffer.writeString("\r\nconnection: keep-alive")
        }
        buffer.writeString("\r\n\r\n")
        if !isHead { buffer.writeString(body) }
        if close {
            channelContext.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { [channel = channelContext.channel] _ in
                channel.close(promise: nil)
            }
        } else {
            channelContext.write(wrapOutboundOut(buffer), promise: nil)
            needsFlush = true
        }
    }

    func errorCaught(context channelContext: ChannelHandlerContext, error: any Error) {
        channelContext.close(promise: nil)
    }
}

/// Status code and reason phrase of the answers authz gives.
enum HTTPStatusLine {
    static func text(_ status: Int) -> String {
        switch status {
        case 200: "200 OK"
        case 400: "400 Bad Request"
        case 401: "401 Unauthorized"
        case 403: "403 Forbidden"
        case 404: "404 Not Found"
        case 413: "413 Payload Too Large"
        case 431: "431 Request Header Fields Too Large"
        case 500: "500 Internal Server Error"
        case 501: "501 Not Implemented"
        case 503: "503 Service Unavailable"
        case 505: "505 HTTP Version Not Supported"
        default: "\(status) Status \(status)"
        }
    }
}
