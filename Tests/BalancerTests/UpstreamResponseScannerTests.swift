import NIOCore
import Testing

@testable import Balancer

/// What a scanner made of a byte stream.
private struct Relay: Equatable {
    var statuses: [Int] = []
    var body = ""
    var ends = 0
    var reusable: [Bool] = []
    var framing: [UpstreamResponseHead.Framing] = []
}

/// Feeds `text` to a scanner in pieces of `pieceSize` bytes (0 = all at once), keeping unconsumed bytes as the
/// upstream handler does.
private func relay(_ text: String, pieceSize: Int = 0, toHEAD: Bool = false, dechunk: Bool = false) throws -> Relay {
    var scanner = UpstreamResponseScanner()
    scanner.expectResponse(toHEAD: toHEAD)
    var result = Relay()
    var pending = ByteBuffer()
    let bytes = Array(text.utf8)
    let size = pieceSize == 0 ? max(bytes.count, 1) : pieceSize
    var offset = 0
    while offset < bytes.count {
        pending.writeBytes(bytes[offset..<min(offset + size, bytes.count)])
        offset += size
        while let event = try scanner.next(&pending) {
            switch event {
            case .head(let head):
                result.statuses.append(head.status)
                result.reusable.append(head.connectionReusable)
                result.framing.append(head.framing)
                scanner.dechunk = dechunk
            case .body(let slice):
                result.body += String(buffer: slice)
            case .end:
                result.ends += 1
                scanner.expectResponse(toHEAD: toHEAD)
            }
        }
    }
    return result
}

private func head(_ text: String, toHEAD: Bool = false) throws -> UpstreamResponseHead {
    var scanner = UpstreamResponseScanner()
    scanner.expectResponse(toHEAD: toHEAD)
    var buffer = ByteBuffer(string: text)
    guard case .head(let head)? = try scanner.next(&buffer) else { throw UpstreamResponseError(reason: "no head") }
    return head
}

private func forwarded(_ head: UpstreamResponseHead, clientMinor: Int = 1, dropTE: Bool = false,
                       connection: UpstreamResponseHead.ConnectionLine = .none, chunked: Bool = false) -> String {
    var out = ByteBuffer()
    head.write(to: &out, clientMinorVersion: clientMinor, dropTransferEncoding: dropTE, connection: connection, addChunked: chunked)
    return String(buffer: out)
}

@Suite struct UpstreamResponseScannerTests {
    @Test func lengthDelimitedResponseIsRelayedAsReceived() throws {
        let text = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"
        for piece in [0, 1, 3, 7] {
            let result = try relay(text, pieceSize: piece)
            #expect(result == Relay(statuses: [200], body: "hello", ends: 1, reusable: [true], framing: [.length(5)]), "piece size \(piece)")
        }
        let parsed = try head(text)
        #expect(forwarded(parsed) == "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n")
        #expect(forwarded(parsed, clientMinor: 0, connection: .keepAlive).hasPrefix("HTTP/1.0 200 OK\r\nServer"))
    }

    @Test func hopByHopLinesAreNotForwarded() throws {
        let parsed = try head(
            "HTTP/1.1 404 Not Found\r\nConnection: close, X-Hop\r\nx-hop: 1\r\nKeep-Alive: timeout=5\r\nTrailer: X\r\nUpgrade: h2c\r\nProxy-Authenticate: Basic\r\nProxy-Connection: x\r\nX-Kept: yes\r\nContent-Length: 0\r\n\r\n"
        )
        #expect(!parsed.serverKeepsAlive && !parsed.connectionReusable)
        #expect(forwarded(parsed, connection: .close) == "HTTP/1.1 404 Not Found\r\nX-Kept: yes\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    @Test func keepAliveFollowsTheServersVersionAndConnectionHeader() throws {
        #expect(try head("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").connectionReusable == false)
        #expect(try head("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").connectionReusable)
        #expect(try head("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").connectionReusable)
        #expect(try head("HTTP/1.1 200 OK\r\nconnection: CLOSE\r\nContent-Length: 0\r\n\r\n").connectionReusable == false)
        // A body delimited by the close ends the connection.
        #expect(try head("HTTP/1.1 200 OK\r\n\r\n").connectionReusable == false)
    }

    @Test func emptyReasonAndNoHeaders() throws {
        let parsed = try head("HTTP/1.1 204\r\n\r\n")
        #expect(parsed.status == 204 && parsed.framing == .none && parsed.reason.readableBytes == 0)
        #expect(forwarded(parsed) == "HTTP/1.1 204 \r\n\r\n")
    }

    @Test func chunkedBodiesPassRawOrDechunked() throws {
        let body = "4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body
        for piece in [0, 1, 2, 5, 11] {
            #expect(try relay(text, pieceSize: piece) == Relay(statuses: [200], body: body, ends: 1, reusable: [true], framing: [.chunked]), "piece size \(piece)")
            #expect(try relay(text, pieceSize: piece, dechunk: true).body == "Wikipedia  in\r\n\r\nchunks.", "piece size \(piece)")
        }
        let parsed = try head(text)
        #expect(forwarded(parsed, clientMinor: 0, dropTE: true, connection: .close) == "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\n")
    }

    @Test func pipelinedResponsesOnOneConnection() throws {
        let one = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab"
        let two = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nc\r\n0\r\n\r\n"
        let result = try relay(one + two, pieceSize: 4)
        #expect(result.statuses == [200, 201] && result.ends == 2)
    }

    @Test func responsesWithoutBodies() throws {
        #expect(try relay("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", toHEAD: true) == Relay(statuses: [200], ends: 1, reusable: [true], framing: [.none]))
        #expect(try relay("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n").framing == [.none])
        #expect(try relay("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").ends == 1)
    }

    @Test func closeDelimitedBodyEndsWithTheConnection() throws {
        var scanner = UpstreamResponseScanner()
        scanner.expectResponse(toHEAD: false)
        var buffer = ByteBuffer(string: "HTTP/1.0 200 OK\r\n\r\nstream")
        guard case .head(let parsed)? = try scanner.next(&buffer) else { Issue.record("no head"); return }
        #expect(parsed.framing == .untilClose && scanner.closeEndsResponse)
        #expect(forwarded(parsed, chunked: true) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        guard case .body(let slice)? = try scanner.next(&buffer) else { Issue.record("no body"); return }
        #expect(String(buffer: slice) == "stream")
        #expect(try scanner.next(&buffer) == nil)
        #expect(scanner.closeEndsResponse)
        var fixed = UpstreamResponseScanner()
        fixed.expectResponse(toHEAD: false)
        var partial = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")
        _ = try fixed.next(&partial)
        _ = try fixed.next(&partial)
        #expect(!fixed.closeEndsResponse)
    }

    @Test func interimResponsesAreSkipped() throws {
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
        #expect(try relay(text, pieceSize: 3) == Relay(statuses: [200], body: "x", ends: 1, reusable: [true], framing: [.length(1)]))
        #expect(throws: UpstreamResponseError.self) { try relay("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n") }
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Space : a\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Bare: a\nX-Other: b\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/1.1 099 Low\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
    ])
    func malformedResponsesAreRefused(_ text: String) {
        #expect(throws: UpstreamResponseError.self) { try relay(text) }
        #expect(throws: UpstreamResponseError.self) { try relay(text, pieceSize: 1) }
    }

    @Test func oversizedHeadsAndChunkLinesAreRefused() {
        let bigHead = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: UpstreamResponseScanner.maxHeadBytes) + "\r\n\r\n"
        #expect(throws: UpstreamResponseError.self) { try relay(bigHead, pieceSize: 4096) }
        let longLine = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 5000)
        #expect(throws: UpstreamResponseError.self) { try relay(longLine, pieceSize: 512) }
    }

    @Test func bytesWithoutARequestAreRefused() {
        var scanner = UpstreamResponseScanner()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n")
        #expect(throws: UpstreamResponseError.self) { try scanner.next(&buffer) }
    }

    /// Random responses cut at random places frame exactly as when read whole, and garbage never traps.
    @Test func randomSplitsFrameLikeWholeReads() throws {
        var random = SystemRandomNumberGenerator()
        for round in 0..<300 {
            var text = ""
            var expected = ""
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                if Bool.random(using: &random) {
                    let body = String(repeating: "b", count: Int.random(in: 0...40, using: &random))
                    text += "HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
                    expected += body
                } else {
                    text += "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n"
                    for _ in 0..<Int.random(in: 0...3, using: &random) {
                        let chunk = String(repeating: "c", count: Int.random(in: 1...20, using: &random))
                        text += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n"
                        expected += chunk
                    }
                    text += "0\r\n\r\n"
                }
            }
            let whole = try relay(text, dechunk: true)
            #expect(whole.body == expected, "round \(round)")
            #expect(try relay(text, pieceSize: Int.random(in: 1...9, using: &random), dechunk: true) == whole, "round \(round)")
            var mutated = Array(text.utf8)
            for _ in 0..<3 { mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            _ = try? relay(String(decoding: mutated, as: UTF8.self), pieceSize: Int.random(in: 1...9, using: &random))
        }
    }
}
