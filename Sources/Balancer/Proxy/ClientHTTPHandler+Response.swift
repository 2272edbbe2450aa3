import BalancerConfiguration
import NIOCore
import NIOHTTP1
import Prometheus

extension ClientHTTPHandler: UpstreamExchange {
    func upstreamReceivedHead(_ head: UpstreamResponseHead) -> Bool {
        guard phase == .forwarding else { return false }
        upstreamStatus = head.status
        responseStarted = true
        responseStatus = head.status
        server?.recordPassiveSuccess()
        if loop.isStopping { keepAlive = false }
        let clientIsHTTP10 = request.head.version.major == 1 && request.head.version.minor == 0
        var dechunk = false
        switch head.framing {
        case .chunked where clientIsHTTP10:
            // HTTP/1.0 has no chunked coding: the body goes de-chunked and its end is the close.
            dechunk = true
            keepAlive = false
        case .untilClose:
            if clientIsHTTP10 || !keepAlive { keepAlive = false } else { chunkResponseForClient = true }
        default:
            break
        }
        let connection: UpstreamResponseHead.ConnectionLine = !keepAlive ? .close : clientIsHTTP10 ? .keepAlive : .none
        var out = headBuffer.take(capacity: head.headerLines.readableBytes + head.reason.readableBytes + 64,
                                  allocator: context.channel.allocator)
        head.write(to: &out, clientMinorVersion: clientIsHTTP10 ? 0 : 1, dropTransferEncoding: clientIsHTTP10 && head.hasTransferEncoding,
                   connection: connection, addChunked: chunkResponseForClient)
        // Held until the body's first bytes (usually read along with the head) can go in the same write.
        pendingHead = out
        deadline = .now() + (plan.readTimeout ?? backend!.definition.serverTimeout).timeAmount
        return dechunk
    }

    func upstreamReceivedBody(_ bytes: ByteBuffer) {
        guard phase == .forwarding else { return }
        responseBodyBytes += bytes.readableBytes
        if var head = pendingHead, !chunkResponseForClient, bytes.readableBytes <= Self.coalescedBodyBytes {
            // One buffer and one `write` instead of two and a `writev`: copying a small body costs less.
            pendingHead = nil
            head.writeImmutableBuffer(bytes)
            context.write(wrapOutboundOut(head), promise: nil)
            headBuffer.keep(head)
            return
        }
        writePendingHead()
        if chunkResponseForClient {
            context.write(wrapOutboundOut(ChunkFraming.prefix(bytes.readableBytes, allocator: context.channel.allocator)), promise: nil)
            context.write(wrapOutboundOut(bytes), promise: nil)
            context.write(wrapOutboundOut(ChunkFraming.crlf(allocator: context.channel.allocator)), promise: nil)
        } else {
            context.write(wrapOutboundOut(bytes), promise: nil)
        }
    }

    func upstreamReceivedEnd(reusable: Bool) {
        guard phase == .forwarding else { return }
        writePendingHead()
        if chunkResponseForClient { context.write(wrapOutboundOut(ChunkFraming.last(allocator: context.channel.allocator)), promise: nil) }
        // The upstream handler lets go of this exchange at the end, so its read-complete will not flush for us.
        context.flush()
        responseComplete = true
        completeExchange(reusable: reusable)
    }

    func upstreamReadComplete() {
        writePendingHead()
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
            writePendingHead()
            context.flush()
            server.metrics.failures.increment()
            context.close(promise: nil)
            return
        }
        let invalidResponse = error is UpstreamResponseError
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
            writePendingHead()
            context.flush()
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

    /// Body pieces up to this size are copied behind the response head into one write.
    static let coalescedBodyBytes = 16 * 1024

    /// Writes the response head still held for the body's first bytes, if any.
    func writePendingHead() {
        guard let head = pendingHead else { return }
        pendingHead = nil
        context.write(wrapOutboundOut(head), promise: nil)
        headBuffer.keep(head)
    }

    /// The server finished its response.
    private func completeExchange(reusable: Bool) {
        guard let upstream, let server, let backend else { return }
        self.upstream = nil
        if reusable && requestEnded {
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
        let version = request?.head.version ?? .http1_1
        let isHTTP10 = version.major == 1 && version.minor == 0
        let body = request?.head.method == .HEAD ? "" : response.body
        var out = context.channel.allocator.buffer(capacity: 256 + response.body.utf8.count)
        out.writeStaticString(isHTTP10 ? "HTTP/1.0 " : "HTTP/1.1 ")
        out.writeString(String(response.status))
        out.writeInteger(UInt8(ascii: " "))
        out.writeString(HTTPResponseStatus(statusCode: response.status).reasonPhrase)
        out.writeStaticString("\r\n")
        for (name, value) in response.headers {
            let lowered = name.lowercased()
            guard lowered != "content-length", lowered != "connection" else { continue }
            out.writeString("\(name): \(value)\r\n")
        }
        out.writeString("Content-Length: \(response.body.utf8.count)\r\n")
        if !keepAlive {
            out.writeStaticString("Connection: close\r\n")
        } else if isHTTP10 {
            out.writeStaticString("Connection: keep-alive\r\n")
        }
        out.writeStaticString("\r\n")
        out.writeString(body)
        responseStarted = true
        responseStatus = response.status
        responseBodyBytes = body.utf8.count
        context.write(wrapOutboundOut(out), promise: nil)
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
        // A request pipelined behind this one may be waiting in the receive buffer.
        readInput()
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
