#if canImport(Glibc)
import Glibc
#endif
import Foundation
import IAMTestSupport
import Testing

/// HAProxy's `global maxconn`: at the limit the load balancer stops accepting; the next client waits in the listen
/// backlog and is served as soon as a connection closes.
@Suite(.serialized) struct LoadBalancerConnectionLimitTests {
    /// Sends one keep-alive request on `descriptor` and reads until a whole (short) response or `seconds` pass.
    static func ask(_ descriptor: Int32, seconds: Int) -> String {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET /limit HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return RawHTTP.read(descriptor, until: "backend=")
    }

    @Test func aClientBeyondMaxconnWaitsUntilAConnectionCloses() throws {
        let files = try TemporaryFiles()
        let backend = try TestBackend.start("b1", files)
        let port = LoopbackPort.free()
        let lb = try LoadBalancerUnderTest.haproxyFront(of: backend.port, port: port, files: files, global: "maxconn 2",
                                                            defaults: "timeout client 30s\n    timeout server 5s")
        defer { withExtendedLifetime(lb) {} }
        let first = RawHTTP.connectTo(port)
        let second = RawHTTP.connectTo(port)
        defer { close(second) }
        #expect(Self.ask(first, seconds: 5).contains("backend=b1"))
        #expect(Self.ask(second, seconds: 5).contains("backend=b1"))
        // The third connection completes in the kernel's backlog but is not accepted: no answer yet.
        let third = RawHTTP.connectTo(port)
        defer { close(third) }
        try #require(third >= 0)
        #expect(Self.ask(third, seconds: 1).isEmpty, "served beyond maxconn 2")
        #expect(try lb.metric("iam_lb_client_connections") == 2)
        #expect(try lb.metric("iam_lb_listener_pauses_total") == 1)
        // One client leaves: the waiting one is accepted and its request (already sent) is answered.
        close(first)
        let answer = RawHTTP.read(third, until: "backend=b1", failedReads: 50)
        #expect(answer.contains("HTTP/1.1 200") && answer.contains("backend=b1"), "\(answer)")
    }
}

/// HAProxy's queue: when every available server is at its `maxconn`, a request waits for a free slot up to
/// `timeout queue`, then gets 503.
@Suite(.serialized) struct LoadBalancerQueueTests {
    @Test func requestsWaitForAFreeSlotThenTimeOut() throws {
        let files = try TemporaryFiles()
        let backend = try TestBackend.start("b1", files)
        let port = LoopbackPort.free()
        let lb = try LoadBalancerUnderTest(config: """
            defaults
                mode http
                timeout connect 1s
                timeout server 10s
            frontend fe
                bind 127.0.0.1:\(port)
                acl short path_beg /short
                use_backend impatient if short
                default_backend patient
            backend patient
                timeout queue 10s
                server b1 127.0.0.1:\(backend.port) maxconn 1
            backend impatient
                timeout queue 300ms
                server b1 127.0.0.1:\(backend.port) maxconn 1
            """, files: files)
        defer { withExtendedLifetime(lb) {} }
        let curl = { (path: String) throws -> BackgroundProcess in try Curl.background("http://127.0.0.1:\(port)\(path)") }
        // The slot is taken by a slow request; the next one waits in the queue and is served after it.
        let slow = try curl("/slow?ms=1500")
        usleep(300_000)
        let waiting = try curl("/after")
        var queued: Double?
        for _ in 0..<20 where queued != 1 {
            usleep(50_000)
            queued = try lb.metric(#"iam_lb_backend_current_queue{proxy="patient"}"#)
        }
        #expect(queued == 1, "one request queued")
        #expect(slow.wait() == 0 && slow.output.contains("status=200"), "\(slow.output)")
        #expect(waiting.wait() == 0 && waiting.output.contains("status=200"), "\(waiting.output)")
        #expect(try lb.metric(#"iam_lb_backend_current_queue{proxy="patient"}"#) == 0)
        // With a short timeout queue the waiting request gives up with 503.
        let holder = try curl("/short/slow?ms=1500")
        usleep(300_000)
        let refused = try Curl.get("http://127.0.0.1:\(port)/short/x")
        #expect(refused.status == 503)
        #expect(try lb.metric(#"iam_lb_backend_queue_timeouts_total{proxy="impatient"}"#) == 1)
        #expect(holder.wait() == 0 && holder.output.contains("status=200"))
    }
}
