import BalancerConfiguration
import NIOCore
import NIOHTTP1
import Prometheus

extension ClientHTTPHandler: UpstreamExchange {
    func upstreamReceived(_ part: HTTPClientResponsePart) {
        guard phase == .forwarding else { return }
        switch part {
        case .head(let head):
            upstreamStatus = Int(head.status.code)
            responseStarted = true
            responseStatus = Int(head.status.code)
            server?.recordPassiveSuccess()
            upstreamReusable = MessageRewriting.upstreamReusable(head, requestMethod: upstreamHead.method)
            if loop.isStopping { keepAlive = false }
            let response = MessageRewriting.clientResponse(head, clientVersion: request.head.version, keepAlive: &keepAlive)
            context.write(wrapOutboundOut(.head(response)), promise: nil)
            deadline = .now() + (plan.readTimeout ?? backend!.definition.serverTimeout).timeAmount
        case .body(let buffer):
            responseBodyBytes += buffer.readableBytes
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        case .end(let trailers):
            // The upstream handler lets go of this exchange at the end, so its read-complete will not flush for us.
            context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: nil)
            responseComplete = true
            completeExchange()
        }
    }

    func upstreamReadComplete() {
        context.flush()
        if responseStarted, !responseComplete, let deadline, deadline.uptimeNanoseconds > 0 {
            // Inactivity timer: restarted by every read.
            self.deadline = .now() + (plan.readTimeout ?? backend!.definition.serverTimeout).timeAmount
        }
    }

    func upstreamWritabilityChanged(_ writable: Bool) {
        if writable { resumeReading() } else { pauseReading() }
    }

    func upstreamFailed(_ error: (any Error)?) {
        guard phase == .forwarding, let upstream, let server else { return }
        self.upstream = nil
        upstream.close()
        releaseServerSlot()
        if responseStarted {
            // Part of the response is already with the client: all we can do is end the connection.
            server.metrics.failures.increment()
            context.close(promise: nil)
            return
        }
        let invalidResponse = error is HTTPParserError
        noteFailure(server, reason: invalidResponse ? "Layer7 invalid response" : "connection closed before the response", error: error)
        triedServers.append(server.index)
        // A server that closes a reused keep-alive connection may simply have timed it out: the request never
        // reached it. Retrying is safe when the method is idempotent and its body was kept.
        let policy = plan.nextUpstream ?? NextUpstreamPolicy()
        let mayRepeat = (MessageRewriting.isIdempotent(request.head.method) || policy.nonIdempotent) && replayable
        let wanted = invalidResponse ? (policy.onInvalidHeader || frontend.style == .haproxy) : policy.onError
        if mayRepeat, wanted || upstream.isReused, let backend, attempts < 1 + retryBudgetForFailure(backend) {
            phase = .connecting
            attempt()
            return
        }
        failRequest(status: 502)
    }

    private func retryBudgetForFailure(_ backend: BackendRuntime) -> Int {
        if let policy = plan.nextUpstream, policy.tries > 0 { return policy.tries - 1 }
        return max(backend.definition.retries, backend.servers.count - 1, 1)
    }

    func upstreamTimedOut() {
        guard let server else {
            failRequest(status: 504)
            return
        }
        if let upstream {
            self.upstream = nil
            upstream.close()
        }
        releaseServerSlot()
        if responseStarted {
            context.close(promise: nil)
            return
        }
        noteFailure(server, reason: "Layer7 timeout", error: nil)
        triedServers.append(server.index)
        let policy = plan.nextUpstream ?? NextUpstreamPolicy()
        if policy.onTimeout, MessageRewriting.isIdempotent(request.head.method) || policy.nonIdempotent, replayable,
            let backend, attempts < 1 + retryBudgetForFailure(backend)
        {
            phase = .connecting
            attempt()
            return
        }
        failRequest(status: 504)
    }

    /// The server finished its response.
    private func completeExchange() {
        guard let upstream, let server, let backend else { return }
        self.upstream = nil
        upstreamReusable = upstreamReusable && requestEnded
        if upstreamReusable {
            loop.release(upstream, limit: backend.definition.idleConnectionsPerServer)
        } else {
            upstream.close()
        }
        releaseServerSlot()
        server.metrics.responses.record(status: responseStatus)
        server.metrics.bytesOut.increment(by: Int64(responseBodyBytes))
        backend.metrics.responses.record(status: responseStatus)
        if !requestEnded {
            // The server answered before the client finished sending: the rest cannot be read in step.
            keepAlive = false
        }
        finishRequest()
    }

    // MARK: local responses

    func failRequest(status: Int) {
        abandonUpstream()
        phase = .draining
        writeLocal(frontend.errorResponse(status, pages: plan?.errorPages ?? [:], close: false))
    }

    /// Writes a response made here. The request body, if still coming, is read and dropped.
    func writeLocal(_ response: LocalResponse) {
        if phase != .draining { phase = .draining }
        frontend.metrics.deniedRequests.increment()
        if response.closeConnection || loop.isStopping { keepAlive = false }
        var headers = HTTPHeaders(response.headers)
        headers.replaceOrAdd(name: "content-length", value: String(response.body.utf8.count))
        let version = request?.head.version ?? .http1_1
        if !keepAlive {
            headers.replaceOrAdd(name: "connection", value: "close")
        } else if version.major == 1 && version.minor == 0 {
            headers.replaceOrAdd(name: "connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        responseStarted = true
        responseStatus = response.status
        responseBodyBytes = response.body.utf8.count
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: response.body)))), promise: nil)
        }
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        responseComplete = true
        context.flush()
        if requestEnded || !keepAlive || request?.head.uri == "<BADREQ>" {
            finishRequest()
        } else {
            deadline = .now() + frontend.definition.limits.clientTimeout.timeAmount
            deadlineIsUpstream = false
        }
    }

    /// The response is written; log it and make the connection ready for the next request, or close it.
    func finishRequest() {
        frontend.metrics.responses.record(status: responseStatus)
        frontend.metrics.bytesOut.increment(by: Int64(responseBodyBytes))
        logRequest()
        requestsServed += 1
        heldBody.removeAll()
        heldBytes = 0
        sentBody.removeAll()
        sentBodyBytes = 0
        backend = nil
        server = nil
        responseComplete = false
        resumeReading()
        guard keepAlive else {
            phase = .closed
            frontend.metrics.currentConnections.decrement()
            loop.unregister(self)
            context.close(promise: nil)
            return
        }
        phase = .idle
        request = nil
        deadline = .now() + frontend.definition.limits.keepAliveTimeout.timeAmount
        deadlineIsUpstream = false
        while phase == .idle || (phase != .closed && !requestEnded), let next = pipelined.popFirst() {
            channelRead(context: context, data: NIOAny(next))
        }
    }

    // MARK: access log

    func logRequest() {
        guard let format = frontend.definition.accessLog else { return }
        var facts = ResponseFacts(status: responseStatus, frontendName: frontend.definition.name)
        facts.bodyBytesSent = responseBodyBytes
        facts.bytesSent = responseBodyBytes
        facts.requestNanoseconds = Int64(NIODeadline.now().uptimeNanoseconds) - Int64(requestStart.uptimeNanoseconds)
        facts.backendName = backend?.name ?? "<NOSRV>"
        facts.serverName = server?.definition.name ?? "<NOSRV>"
        facts.upstreamAddress = server?.definition.address
        facts.upstreamStatus = upstreamStatus
        if upstreamStatus != nil {
            facts.upstreamNanoseconds = Int64(NIODeadline.now().uptimeNanoseconds) - Int64(upstreamStart.uptimeNanoseconds)
        }
        loop.accessLog.append(format: format, request: request, facts: facts, attempts: attempts)
    }

    func logAbortedRequest() {
        guard request != nil else { return }
        if responseStatus == 0 { responseStatus = 499 }
        logRequest()
    }
}
