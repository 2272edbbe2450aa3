import Atomics
import BalancerConfiguration
import HTTPWire
import NIOPosix
import NIOCore
import NIOHTTP1
import Prometheus

extension ClientHTTPHandler {
    func startRequest(_ head: HTTPRequestHead, framing: RequestFraming) {
        frontend.metrics.requests.increment()
        requestStart = .now()
        deadline = nil
        sawAnyRequestBytes = false
        keepAlive = head.isKeepAlive
        requestEnded = false
        bodyBytesReceived = 0
        responseStarted = false
        chunkResponseForClient = false
        responseStatus = 0
        responseBodyBytes = 0
        upstreamStatus = nil
        attempts = 0
        triedServers.removeAll(keepingCapacity: true)
        replayable = MessageRewriting.isIdempotent(head.method)
        backend = nil
        server = nil
        request = RequestContext(head: head, clientAddress: clientAddress, clientPort: clientPort, isTLS: false, localPort: localPort)

        requestChunked = framing == .chunked

        switch frontend.router.route(&request) {
        case .respond(let response):
            phase = .draining
            writeLocal(response)
        case .proxy(let plan):
            self.plan = plan
            guard let backend = frontend.backends[plan.backend] else {
                phase = .draining
                writeLocal(frontend.errorResponse(503, pages: plan.errorPages))
                return
            }
            self.backend = backend
            if case .length(let length) = framing, length > plan.maxBodyBytes {
                keepAlive = false
                phase = .draining
                writeLocal(frontend.errorResponse(413, pages: plan.errorPages, close: true))
                return
            }
            let expectsContinue = head.headers.contains(name: "expect")
                && head.headers[canonicalForm: "expect"].contains { $0.lowercased() == "100-continue" }
            upstreamHead = MessageRewriting.upstreamRequest(
                request, plan: plan, closeAfterResponse: backend.definition.closeAfterResponse, removeExpect: expectsContinue
            )
            if expectsContinue, head.version.minor >= 1 {
                // Answer 100 ourselves (as nginx does): the body then streams to whichever server takes it.
                var interim = context.channel.allocator.buffer(capacity: 25)
                interim.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
                context.writeAndFlush(wrapOutboundOut(interim), promise: nil)
            }
            phase = .connecting
            attempt()
        }
    }

    func receiveBody(_ buffer: ByteBuffer) {
        bodyBytesReceived += buffer.readableBytes
        frontend.metrics.bytesIn.increment(by: Int64(buffer.readableBytes))
        switch phase {
        case .draining, .idle, .closed:
            return
        case .connecting, .forwarding:
            if bodyBytesReceived > plan.maxBodyBytes {
                if !responseStarted {
                    abandonUpstream()
                    keepAlive = false
                    phase = .draining
                    writeLocal(frontend.errorResponse(413, pages: plan.errorPages, close: true))
                } else {
                    context.close(promise: nil)
                }
                return
            }
            if phase == .connecting {
                heldBody.append(buffer)
                heldBytes += buffer.readableBytes
                if heldBytes > settings.holdLimit { pauseReading() }
            } else {
                upstream?.writeBody(buffer, chunked: requestChunked)
                server?.metrics.bytesIn.increment(by: Int64(buffer.readableBytes))
                keepForReplay(buffer)
            }
        }
    }

    func receiveEnd() {
        requestEnded = true
        switch phase {
        case .forwarding:
            upstream?.writeEnd(chunked: requestChunked)
            upstream?.flush()
        case .draining:
            if responseStarted && responseComplete { finishRequest() }
        case .connecting, .idle, .closed:
            return
        }
    }

    func keepForReplay(_ buffer: ByteBuffer) {
        guard replayable else { return }
        sentBodyBytes += buffer.readableBytes
        if sentBodyBytes > settings.replayLimit {
            replayable = false
            sentBody.removeAll()
        } else {
            sentBody.append(buffer)
        }
    }

    func pauseReading() {
        guard !readingPaused else { return }
        readingPaused = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
    }

    func resumeReading() {
        guard readingPaused else { return }
        readingPaused = false
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
    }

    // MARK: choosing and connecting

    /// Sends the request to a server: the next attempt after a failure, or the first.
    func attempt() {
        guard let backend else { return }
        let now = Int64(NIODeadline.now().uptimeNanoseconds)
        // Without redispatch HAProxy retries the same server, except on the last attempt.
        let maxAttempts = 1 + retryBudget(backend)
        let mayChooseAgain = backend.definition.redispatch || attempts == maxAttempts - 1 || server == nil
        let chosen: ServerRuntime?
        if !mayChooseAgain, let previous = server, previous.isAvailable(now: now) {
            chosen = previous
        } else {
            chosen = loop.chooseServer(backend, request: request, excluding: triedServers, now: now)
                ?? (triedServers.isEmpty ? nil : loop.chooseServer(backend, request: request, excluding: [], now: now))
        }
        guard let server = chosen else {
            if attempts == 0, let queueTimeout = backend.definition.queueTimeout, backend.availableServersAreFull(now: now) {
                waitForFreeSlot(backend: backend, timeout: queueTimeout)
                return
            }
            leaveQueue()
            backend.metrics.noServer.increment()
            failRequest(status: attempts == 0 ? 503 : failureStatus)
            return
        }
        leaveQueue()
        if attempts > 0 {
            backend.metrics.retries.increment()
            if server !== self.server { backend.metrics.redispatches.increment() }
        }
        attempts += 1
        self.server = server
        server.activeRequests.wrappingIncrement(ordering: .relaxed)
        server.metrics.activeRequests.increment()
        holdingServerSlot = true
        attemptID &+= 1
        if let idle = loop.takeIdle(server) {
            send(over: idle)
            return
        }
        guard let address = server.socketAddress else {
            connectFailed(server: server, id: attemptID, error: nil)
            return
        }
        let id = attemptID
        let loop = self.loop
        let timeout = (plan.connectTimeout ?? backend.definition.connectTimeout).timeAmount
        ClientBootstrap(group: context.eventLoop)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler(server: server, loop: loop))
                }
            }
            .connect(to: address)
            .assumeIsolatedUnsafeUnchecked()
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    let handler = try! channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
                    guard id == self.attemptID, self.phase == .connecting else {
                        // The client went away or moved on while we connected: keep the connection for others.
                        loop.release(handler, limit: backend.definition.idleConnectionsPerServer)
                        return
                    }
                    self.send(over: handler)
                case .failure(let error):
                    self.connectFailed(server: server, id: id, error: error)
                }
            }
    }

    private func retryBudget(_ backend: BackendRuntime) -> Int {
        if let policy = plan.nextUpstream {
            if !policy.onError { return 0 }
            return policy.tries > 0 ? policy.tries - 1 : backend.definition.retries
        }
        return backend.definition.retries
    }

    /// 503 in HAProxy's wording when every attempt failed to connect; nginx answers 502.
    var failureStatus: Int { frontend.style == .haproxy ? 503 : 502 }

    private func connectFailed(server: ServerRuntime, id: Int, error: (any Error)?) {
        guard id == attemptID, phase == .connecting else { return }
        releaseServerSlot()
        backend?.metrics.connectionErrors.increment()
        noteFailure(server, reason: "Layer4 connection problem", error: error)
        triedServers.append(server.index)
        guard let backend, attempts < 1 + retryBudget(backend) else {
            failRequest(status: failureStatus)
            return
        }
        // Nothing was sent: any method may go to the next server.
        attempt()
    }

    private func send(over handler: UpstreamHandler) {
        guard let server, let backend else { return }
        upstream = handler
        handler.attach(self, requestIsHEAD: upstreamHead.method == .HEAD)
        phase = .forwarding
        upstreamStart = .now()
        deadline = upstreamStart + (plan.readTimeout ?? backend.definition.serverTimeout).timeAmount
        deadlineIsUpstream = true
        server.metrics.requests.increment()
        backend.metrics.requests.increment()
        handler.writeHead(upstreamHead)
        for buffer in sentBody { handler.writeBody(buffer, chunked: requestChunked) }
        for buffer in heldBody {
            handler.writeBody(buffer, chunked: requestChunked)
            server.metrics.bytesIn.increment(by: Int64(buffer.readableBytes))
            keepForReplay(buffer)
        }
        heldBody.removeAll()
        heldBytes = 0
        resumeReading()
        if requestEnded { handler.writeEnd(chunked: requestChunked) }
        handler.flush()
    }

    func noteFailure(_ server: ServerRuntime, reason: String, error: (any Error)?) {
        if server.recordPassiveFailure(now: Int64(NIODeadline.now().uptimeNanoseconds)) {
            loop.accessLog.stateChange(
                "Server \(server.qualifiedName) is unavailable for \(server.definition.failTimeout), reason: \(server.definition.maxFails) failed attempt(s) (\(reason)\(error.map { ": \($0)" } ?? ""))"
            )
        }
    }

    func releaseServerSlot() {
        guard holdingServerSlot else { return }
        holdingServerSlot = false
        if let server {
            server.activeRequests.wrappingDecrement(ordering: .relaxed)
            server.metrics.activeRequests.decrement()
        }
    }

    /// Drops the upstream connection of the request in progress, if any (the client went away or the request
    /// failed): it cannot be reused mid-message.
    func abandonUpstream() {
        leaveQueue()
        if let upstream {
            self.upstream = nil
            upstream.close()
        }
        releaseServerSlot()
        attemptID &+= 1
    }
}

// MARK: waiting for a free slot

extension ClientHTTPHandler {
    /// Every available server is at its `maxconn`: wait (re-checking every few milliseconds, as slots free on any
    /// event loop) until one has room or `timeout queue` passes, then 503 as HAProxy answers.
    func waitForFreeSlot(backend: BackendRuntime, timeout: Duration) {
        if queueDeadline == nil {
            queueDeadline = .now() + timeout.timeAmount
            backend.metrics.queued.increment()
        }
        let id = attemptID
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .milliseconds(5)) {
            let client = handler.value
            guard client.phase == .connecting, client.attemptID == id, let deadline = client.queueDeadline else { return }
            if NIODeadline.now() >= deadline {
                client.leaveQueue()
                backend.metrics.queueTimeouts.increment()
                client.failRequest(status: 503)
            } else {
                client.attempt()
            }
        }
    }

    func leaveQueue() {
        guard queueDeadline != nil else { return }
        queueDeadline = nil
        backend?.metrics.queued.decrement()
    }
}
