@testable import AuthzServer
import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

/// The decision listener's HTTP handling on an `EmbeddedChannel`: no sockets, exact bytes.
@Suite struct AuthzHTTPHandlerTests {
    static func channel(snapshot: AuthzSnapshot?, maxBodyBytes: Int = 1024) throws -> (EmbeddedChannel, AuthzContext) {
        let holder = SnapshotHolder()
        if let snapshot { holder.replace(snapshot) }
        let context = AuthzContext(holder: holder, decider: AuthzDecider(), metrics: AuthzMetrics(), audit: AuditBuffer(capacity: 1000),
                                   maxBodyBytes: maxBodyBytes, enableMetrics: true)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(AuthzHTTPHandler(context: context))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, context)
    }

    static func send(_ channel: EmbeddedChannel, _ text: String) throws -> String {
        try channel.writeInbound(ByteBuffer(string: text))
        var output = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { output += String(buffer: buffer) }
        return output
    }

    @Test func decidesOverKeepAliveAndQueuesTheAuditRecord() throws {
        let (channel, context) = try Self.channel(snapshot: try AuthzDeciderTests.snapshot())
        let body = AuthzDeciderTests.article
        // The handler checks exp against the wall clock, so this token carries no registered claims.
        let plain = AuthzDeciderTests.token(claims: [])
        let request = "POST /v1/authz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(plain)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let first = try Self.send(channel, request + request)
        #expect(first.components(separatedBy: "HTTP/1.1 200 OK").count == 3, "two answers on one connection: \(first)")
        #expect(first.contains("content-length: 16\r\n") && first.hasSuffix(#"{"allowed":true}"#))
        #expect(channel.isActive)
        #expect(context.audit?.count == 2)
        _ = try channel.finish()
    }

    @Test func healthIsUnavailableUntilTheFirstSnapshot() throws {
        let (empty, _) = try Self.channel(snapshot: nil)
        #expect(try Self.send(empty, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").hasPrefix("HTTP/1.1 503"))
        let decision = try Self.send(empty, "POST /v1/authz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        #expect(decision.hasPrefix("HTTP/1.1 503") && decision.contains(#""code":100008"#))
        let (ready, _) = try Self.channel(snapshot: try AuthzDeciderTests.snapshot())
        #expect(try Self.send(ready, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").hasSuffix(#"{"status":"ok"}"#))
    }

    @Test func oversizedBodiesGet413AndTheConnectionCloses() throws {
        let (declared, _) = try Self.channel(snapshot: try AuthzDeciderTests.snapshot(), maxBodyBytes: 256)
        let answer = try Self.send(declared, "POST /v1/authz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nxxxx")
        #expect(answer.hasPrefix("HTTP/1.1 413") && answer.contains(#""code":100007"#), "\(answer)")
        #expect(!declared.isActive)
        let (chunked, _) = try Self.channel(snapshot: try AuthzDeciderTests.snapshot(), maxBodyBytes: 256)
        let big = String(repeating: "y", count: 300)
        let streamed = try Self.send(chunked, "POST /v1/authz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n12c\r\n\(big)\r\n0\r\n\r\n")
        #expect(streamed.hasPrefix("HTTP/1.1 413"), "\(streamed)")
    }

    @Test func unknownPathsAuthenticateFirstAndMalformedHTTPGets400() throws {
        let (channel, _) = try Self.channel(snapshot: try AuthzDeciderTests.snapshot())
        #expect(try Self.send(channel, "GET /v1/users HTTP/1.1\r\nHost: x\r\n\r\n").contains(#""code":100205"#))
        let plain = AuthzDeciderTests.token(claims: [])
        #expect(try Self.send(channel, "GET /v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(plain)\r\n\r\n").contains(#""code":100006"#))
        #expect(try Self.send(channel, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").contains("iam_authz_snapshot_age_seconds"))
        let (broken, _) = try Self.channel(snapshot: nil)
        let answer = try? Self.send(broken, "GARBAGE\r\n\r\n")
        #expect(answer?.hasPrefix("HTTP/1.1 400") ?? true)
        #expect(!broken.isActive)
    }
}

/// The byte-level handler: flushing, split reads, `Expect`, `HEAD`, HTTP/1.0 and refused requests.
@Suite struct AuthzHTTPHandlerFramingTests {
    typealias Fixture = AuthzHTTPHandlerTests

    @Test func aRequestSplitAcrossReadsIsAnsweredOnceWhole() throws {
        let (channel, _) = try Fixture.channel(snapshot: try AuthzDeciderTests.snapshot())
        let body = AuthzDeciderTests.article
        let request = "POST /v1/authz HTTP/1.1\r\nAuthorization: Bearer \(AuthzDeciderTests.token(claims: []))\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        var answer = ""
        for byte in request.utf8 {
            answer += try Fixture.send(channel, String(decoding: [byte], as: UTF8.self))
            if byte != request.utf8.last { #expect(answer.isEmpty) }
        }
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n") && answer.hasSuffix(#"{"allowed":true}"#), "\(answer)")
    }

    @Test func expectContinueHeadAndHTTP10() throws {
        let (channel, _) = try Fixture.channel(snapshot: try AuthzDeciderTests.snapshot())
        let interim = try Fixture.send(channel, "POST /v1/authz HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(try Fixture.send(channel, "{}").hasPrefix("HTTP/1.1 401"))
        let head = try Fixture.send(channel, "HEAD /healthz HTTP/1.1\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200 OK") && head.contains("content-length: 15\r\n") && head.hasSuffix("\r\n\r\n"), "\(head)")
        let old = try Fixture.send(channel, "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(old.hasPrefix("HTTP/1.0 200 OK") && old.contains("connection: keep-alive\r\n"), "\(old)")
        #expect(channel.isActive)
        let last = try Fixture.send(channel, "GET /healthz HTTP/1.0\r\n\r\n")
        #expect(last.contains("connection: close\r\n"))
        #expect(!channel.isActive)
    }

    @Test func smugglingAttemptsGet400AndTheConnectionCloses() throws {
        let (channel, _) = try Fixture.channel(snapshot: try AuthzDeciderTests.snapshot())
        let answer = try Fixture.send(channel, "POST /v1/authz HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n")
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request") && answer.contains("Content-Length and Transfer-Encoding"), "\(answer)")
        #expect(answer.components(separatedBy: "HTTP/1.1").count == 2, "nothing after the refused request is answered")
        #expect(!channel.isActive)
        let (large, _) = try Fixture.channel(snapshot: nil)
        let refused = try Fixture.send(large, "GET /healthz HTTP/1.1\r\nX: " + String(repeating: "a", count: 20_000) + "\r\n\r\n")
        #expect(refused.hasPrefix("HTTP/1.1 431"), "\(refused)")
        #expect(!large.isActive)
    }
}
