import BalancerConfiguration
import HTTPWire
import NIOCore
import NIOHTTP1
import Prometheus

/// One client connection of an HTTP frontend: reads requests from the received bytes (``ClientRequestScanner``),
/// routes them, relays each to a server over a pooled connection and streams the response back, one request at a
/// time (pipelined requests wait their turn in the receive buffer).
final class ClientHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
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
    /// The response head, written but for the body's first bytes to join it (see `upstreamReceivedBody`).
    var pendingHead: ByteBuffer?

    // The request in progress.
    var request: RequestContext!
    var plan: ProxyPlan!
    var backend: BackendRuntime?
    var server: ServerRuntime?
    var upstream: UpstreamHandler?
    var upstreamHead: UpstreamRequestHead!
    var keepAlive = true
    var requestEnded = false
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
    var scanner: ClientRequestScanner
    /// Received bytes not read yet: an unfinished head, or requests pipelined behind the one in progress.
    var input: ByteBuffer?
    /// ``readInput()`` is on the stack (a request finished while its bytes were being read).
    var readingInput = false
    /// Part of a request head arrived and the rest did not (the request-header timeout then answers 408).
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
        scanner = ClientRequestScanner(maxHeadBytes: frontend.definition.limits.maxHeaderBytes)
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
        input = nil
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
        guard phase != .closed else { return }
        var incoming = unwrapInboundIn(data)
        if input == nil || input!.readableBytes == 0 {
            input = incoming
        } else {
            input!.writeBuffer(&incoming)
        }
        readInput()
    }

    /// Reads requests out of the received bytes: starts the next request, or hands body pieces to the one in
    /// progress. Stops at the end of a request until its response is complete, so a pipelined request waits in
    /// the buffer (and the client is paused once that holds more than a head's worth).
    func readInput() {
        guard !readingInput else { return }
        readingInput = true
        defer { readingInput = false }
        while phase != .closed, phase == .idle || !requestEnded, input != nil {
            let event: ClientRequestScanner.Event?
            do {
                event = try scanner.next(&input!)
            } catch {
                refuseMalformed(error)
                return
            }
            guard let event else { break }
            switch event {
            case .head(let head, let framing): startRequest(head, framing: framing)
            case .body(let buffer): receiveBody(buffer)
            case .end: receiveEnd()
            }
        }
        guard let buffer = input else { return }
        if buffer.readableBytes == 0 {
            // Let go of the receive buffer, so NIO can read into it again.
            input = nil
        } else if phase == .idle {
            if !sawAnyRequestBytes {
                // A head has begun: it now has the request-header timeout to finish, not the keep-alive one.
                sawAnyRequestBytes = true
                deadline = .now() + frontend.definition.limits.requestHeaderTimeout.timeAmount
            }
        } else if requestEnded, buffer.readableBytes > scanner.maxHeadBytes + settings.pipelinedLimit {
            pauseReading()
        }
    }

    /// A request that cannot be read: answered with the scanner's status and the connection closed, unless part
    /// of a response already went out (then the connection is simply closed).
    func refuseMalformed(_ error: HTTPScanError) {
        input = nil
        abandonUpstream()
        guard phase == .idle || (phase != .forwarding && !responseStarted) else {
            context.close(promise: nil)
            return
        }
        if request == nil {
            frontend.metrics.requests.increment()
            request = RequestContext(head: Self.badRequestHead, clientAddress: clientAddress, clientPort: clientPort, isTLS: false, localPort: localPort)
        }
        keepAlive = false
        writeLocal(frontend.errorResponse(error.status, pages: [:], close: true))
    }

    /// The head logged for a request that could not be read (HAProxy's `<BADREQ>`).
    static let badRequestHead = HTTPRequestHead(version: .http1_1, method: .GET, uri: "<BADREQ>")

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
        // Only the connection itself fails here (malformed requests are refused by `readInput`).
        guard phase != .closed else { return }
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
                request = RequestContext(head: Self.badRequestHead, clientAddress: clientAddress, clientPort: clientPort, isTLS: false, localPort: localPort)
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
    /// Bytes of requests pipelined behind the one in progress (beyond one head) before the client is paused.
    var pipelinedLimit = 64 * 1024
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
