import BalancerConfiguration
import NIOCore
import NIOHTTP1
import Prometheus

/// One client connection of an HTTP frontend: reads requests, routes them, relays each to a server over a
/// pooled connection and streams the response back, one request at a time (pipelined requests wait their turn).
final class ClientHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    enum Phase {
        /// Waiting for a request head.
        case idle
        /// A server is being chosen or connected; body parts are held.
        case connecting
        /// The request goes to the server and its response comes back.
        case forwarding
        /// A local response was written; the rest of the request body is read and dropped.
        case draining
        case closed
    }

    let frontend: FrontendRuntime
    let loop: LoopContext
    let settings: ProxySettingsOfProcess
    var context: ChannelHandlerContext!
    var phase = Phase.idle
    var clientAddress = "-"
    var clientPort = 0
    var localPort = 0
    var headBuffer = ReusableHeadBuffer()

    // The request in progress.
    var request: RequestContext!
    var plan: ProxyPlan!
    var backend: BackendRuntime?
    var server: ServerRuntime?
    var upstream: UpstreamHandler?
    var upstreamHead: HTTPRequestHead!
    var keepAlive = true
    var requestEnded = false
    var declaredLength: Int?
    var bodyBytesReceived = 0
    /// Body parts not yet sent (while connecting).
    var heldBody: [ByteBuffer] = []
    var heldBytes = 0
    /// Body parts already sent, kept (up to a limit) so an idempotent request can be sent again elsewhere.
    var sentBody: [ByteBuffer] = []
    var sentBodyBytes = 0
    var replayable = true
    var attempts = 0
    var triedServers: [Int] = []
    var attemptID = 0
    var responseStarted = false
    var responseStatus = 0
    var responseBodyBytes = 0
    var upstreamStatus: Int?
    var requestStart = NIODeadline.now()
    var upstreamStart = NIODeadline.now()
    var deadline: NIODeadline?
    var deadlineIsUpstream = false
    var requestsServed = 0
    var readingPaused = false
    /// Parts of pipelined requests that arrived while the previous response was in progress.
    var pipelined: CircularBuffer<HTTPServerRequestPart> = CircularBuffer(initialCapacity: 0)
    var sawAnyRequestBytes = false
    var holdingServerSlot = false
    /// Set while the request waits for a free server slot (HAProxy's queue): when it gives up.
    var queueDeadline: NIODeadline?
    /// The request body goes to the server chunked (it came chunked).
    var requestChunked = false
    /// The server's close-delimited body is sent to the client in chunks so the client connection can stay open.
    var chunkResponseForClient = false
    /// The response went to the client in full.
    var responseComplete = false

    init(frontend: FrontendRuntime, loop: LoopContext, settings: ProxySettingsOfProcess) {
        self.frontend = frontend
        self.loop = loop
        self.settings = settings
    }

    // MARK: connection lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let remote = context.channel.remoteAddress {
            clientAddress = remote.ipAddress ?? "-"
            clientPort = remote.port ?? 0
        }
        localPort = context.channel.localAddress?.port ?? 0
        loop.register(self)
        frontend.metrics.connections.increment()
        frontend.metrics.currentConnections.increment()
        deadline = .now() + frontend.definition.limits.requestHeaderTimeout.timeAmount
    }

    func channelInactive(context: ChannelHandlerContext) {
        if phase != .closed {
            abandonUpstream()
            if phase == .forwarding || phase == .connecting { logAbortedRequest() }
            phase = .closed
            frontend.metrics.currentConnections.decrement()
            loop.unregister(self)
        }
        context.fireChannelInactive()
    }

    func closeNow() {
        guard phase != .closed else { return }
        context.close(promise: nil)
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch phase {
        case .closed:
            return
        case .idle:
            if case .head(let head) = part {
                startRequest(head)
            }
        case .connecting, .forwarding, .draining:
            if requestEnded {
                // The next request of a pipelining client: it waits for this response.
                pipelined.append(part)
                return
            }
            switch part {
            case .head:
                pipelined.append(part)
            case .body(let buffer):
                receiveBody(buffer)
            case .end:
                receiveEnd()
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if phase == .forwarding { upstream?.flush() }
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // Backpressure: stop reading the server while the client cannot take more.
        upstream?.setAutoRead(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard phase != .closed else { return }
        if phase == .idle || (phase != .forwarding && !responseStarted) {
            let status: Int
            switch error as? HTTPParserError {
            case .headerOverflow?: status = 431
            case .invalidURL?, .invalidPath?: status = 400
            case .some: status = 400
            case nil: status = 0
            }
            if status != 0, !responseStarted {
                frontend.metrics.requests.increment()
                if request == nil { request = RequestContext(head: HTTPRequestHead(version: .http1_1, method: .GET, uri: "<BADREQ>"), clientAddress: clientAddress, clientPort: clientPort, isTLS: false, localPort: localPort) }
                keepAlive = false
                writeLocal(frontend.errorResponse(status, pages: [:], close: true))
                return
            }
        }
        abandonUpstream()
        context.close(promise: nil)
    }

    // MARK: timers

    func checkTimers(now: NIODeadline) {
        guard let deadline, deadline < now, phase != .closed else { return }
        self.deadline = nil
        switch phase {
        case .idle:
            if requestsServed == 0 || sawAnyRequestBytes {
                keepAlive = false
                frontend.metrics.requests.increment()
                request = RequestContext(head: HTTPRequestHead(version: .http1_1, method: .GET, uri: "<BADREQ>"), clientAddress: clientAddress, clientPort: clientPort, isTLS: false, localPort: localPort)
                writeLocal(frontend.errorResponse(408, pages: [:], close: true))
            } else {
                context.close(promise: nil)
            }
        case .connecting, .forwarding:
            if deadlineIsUpstream { upstreamTimedOut() } else { context.close(promise: nil) }
        case .draining:
            context.close(promise: nil)
        case .closed:
            return
        }
    }
}

/// Process-wide proxy settings that are not per frontend.
struct ProxySettingsOfProcess: Sendable {
    /// Request bodies up to this size are kept after sending so an idempotent request can be retried.
    var replayLimit = 64 * 1024
    /// Held body while connecting before the client is paused.
    var holdLimit = 1 << 20
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
