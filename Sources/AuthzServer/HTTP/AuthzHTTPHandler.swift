import Foundation
import IAMResources
import NIOCore
import NIOHTTP1

/// One connection of the authz server, as a SwiftNIO channel handler: `POST /v1/authz` decided on the event loop
/// that read it (no hop into Swift Concurrency), plus `/healthz`, `/version` and `/metrics`.
final class AuthzHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let context: AuthzContext
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    /// The request is being refused (413) and the rest of it is ignored.
    private var discarding = false

    init(context: AuthzContext) {
        self.context = context
    }

    func channelRead(context channelContext: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
            discarding = false
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > context.maxBodyBytes {
                refuseBody(channelContext)
                return
            }
            if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                channelContext.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
        case .body(var chunk):
            guard !discarding else { return }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
            if body!.readableBytes > context.maxBodyBytes { refuseBody(channelContext) }
        case .end:
            guard !discarding, let head else { return }
            self.head = nil
            respond(channelContext, head)
        }
    }

    private func refuseBody(_ channelContext: ChannelHandlerContext) {
        guard let head else { return }
        discarding = true
        body = nil
        self.head = nil
        let error = IAMError(.bodyTooLarge, "the body is larger than server.max-body-bytes (\(context.maxBodyBytes) bytes)")
        // The rest of the body is not read: the connection closes after the answer.
        write(channelContext, head, status: 413, body: AuthzDecider.errorBody(error), close: true)
    }

    private func respond(_ channelContext: ChannelHandlerContext, _ head: HTTPRequestHead) {
        // The path without the query, without splitting the URI into an array on every request.
        let path = head.uri.firstIndex(of: "?").map { String(head.uri[..<$0]) } ?? head.uri
        let close = !head.isKeepAlive
        switch (head.method, path) {
        case (.POST, "/v1/authz"):
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            body = nil
            let outcome = context.decide(authorization: head.headers.first(name: "authorization"), body: bytes,
                                         shard: context.shard(of: channelContext.eventLoop))
            write(channelContext, head, status: outcome.status, body: outcome.body, close: close)
        case (.GET, "/healthz"), (.HEAD, "/healthz"):
            if context.holder.snapshot != nil {
                write(channelContext, head, status: 200, body: #"{"status":"ok"}"#, close: close)
            } else {
                write(channelContext, head, status: 503, body: #"{"status":"no snapshot yet: the apiserver has not been reached"}"#, close: close)
            }
        case (.GET, "/version"):
            write(channelContext, head, status: 200, body: BuildInfo.json, close: close)
        case (.GET, "/metrics") where context.enableMetrics:
            context.refreshGauges()
            write(channelContext, head, status: 200, body: context.metrics.text, close: close,
                  contentType: "text/plain; version=0.0.4; charset=utf-8")
        default:
            // marmotedu/iam authenticates before routing: an unknown path with a bad token is a 401, not a 404.
            let error = context.authenticationError(head.headers.first(name: "authorization"))
                ?? IAMError(.pageNotFound, "\(head.method.rawValue) \(path) is not served here; decisions are POST /v1/authz")
            write(channelContext, head, status: error.code.httpStatus, body: AuthzDecider.errorBody(error), close: close)
        }
    }

    private func write(_ channelContext: ChannelHandlerContext, _ request: HTTPRequestHead, status: Int, body: String,
                       close: Bool, contentType: String = "application/json; charset=utf-8") {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(body.utf8.count))
        if close { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        channelContext.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD {
            var buffer = channelContext.channel.allocator.buffer(capacity: body.utf8.count)
            buffer.writeString(body)
            channelContext.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = channelContext.writeAndFlush(wrapOutboundOut(.end(nil)))
        if close { done.whenComplete { [channel = channelContext.channel] _ in channel.close(promise: nil) } }
    }

    func errorCaught(context channelContext: ChannelHandlerContext, error: any Error) {
        // Malformed HTTP: NIO's HTTPServerProtocolErrorHandler has answered 400; close quietly.
        channelContext.close(promise: nil)
    }
}
