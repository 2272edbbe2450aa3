@testable import AuthzServer
import HTTPWire
import NIOCore
import Testing

/// The decision listener's request reader: framing, pipelining, split reads, and refusal of everything that lets
/// two parsers disagree about where a request ends.
@Suite struct HTTPRequestScannerTests {
    /// Every event of `text`, fed in pieces of `step` bytes (0: all at once); the error, if one was thrown.
    func events(_ text: String, step: Int = 0, maxHeadBytes: Int = 16 << 10) -> (events: [String], error: HTTPScanError?) {
        var scanner = HTTPRequestScanner(maxHeadBytes: maxHeadBytes)
        var pending = ByteBuffer()
        var out: [String] = []
        let bytes = Array(text.utf8)
        let pieces = step == 0 ? [bytes[...]] : stride(from: 0, to: bytes.count, by: step).map { bytes[$0..<min($0 + step, bytes.count)] }
        do {
            for piece in pieces {
                pending.writeBytes(piece)
                while let event = try scanner.next(&pending) {
                    switch event {
                    case .head(let head): out.append("head \(head.method) \(head.target) 1.\(head.minorVersion) keepAlive=\(head.keepAlive) \(head.framing)")
                    case .body(let chunk): out.append("body " + String(buffer: chunk))
                    case .end: out.append("end")
                    }
                }
            }
        } catch {
            return (out, error)
        }
        return (Self.merged(out), nil)
    }

    /// Adjacent body pieces joined, so split reads compare equal to whole ones.
    static func merged(_ events: [String]) -> [String] {
        var result: [String] = []
        for event in events {
            if event.hasPrefix("body "), let last = result.last, last.hasPrefix("body ") {
                result[result.count - 1] = last + event.dropFirst(5)
            } else {
                result.append(event)
            }
        }
        return result
    }

    static let pipelined = "POST /v1/authz?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nAuthorization: Bearer t\r\n\r\nhello"
        + "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"

    @Test func pipelinedRequestsComeOutInOrderWhateverTheReadSizes() {
        let expected = ["head POST /v1/authz?x=1 1.1 keepAlive=true length(5)", "body hello", "end",
                        "head GET /healthz 1.1 keepAlive=false none", "end"]
        for step in [0, 1, 2, 7, 64] {
            let result = events(Self.pipelined, step: step)
            #expect(result.error == nil, "step \(step): \(String(describing: result.error))")
            #expect(result.events == expected, "step \(step)")
        }
    }

    @Test func emptyLinesBeforeARequestAreSkippedEvenWhenSplit() {
        let text = "\r\nPOST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nok\r\n\r\nGET /b HTTP/1.1\r\n\r\n"
        for step in [0, 1, 2, 3] {
            let result = events(text, step: step)
            #expect(result.error == nil, "step \(step): \(String(describing: result.error))")
            #expect(result.events == ["head POST /a 1.1 keepAlive=true length(2)", "body ok", "end", "head GET /b 1.1 keepAlive=true none", "end"],
                    "step \(step)")
        }
    }

    @Test func headFieldsAuthzReads() throws {
        var scanner = HTTPRequestScanner()
        var buffer = ByteBuffer(string: "\r\nPOST /v1/authz?a=b HTTP/1.0\r\nConnection: Keep-Alive\r\nauthorization:   Bearer abc  \r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n")
        guard case .head(let head)? = try scanner.next(&buffer) else {
            Issue.record("no head")
            return
        }
        #expect(head.path == "/v1/authz" && head.minorVersion == 0 && head.keepAlive)
        #expect(head.authorization.map { String(buffer: $0) } == "Bearer abc")
        #expect(head.expectContinue && head.framing == .length(0))
        #expect(try scanner.next(&buffer) == .end)
        #expect(try scanner.next(&buffer) == nil)
    }

    @Test func chunkedBodiesWithExtensionsAndTrailers() {
        let text = "POST /v1/authz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"
        for step in [0, 1, 3] {
            let result = events(text, step: step)
            #expect(result.error == nil)
            #expect(result.events == ["head POST /v1/authz 1.1 keepAlive=true chunked", "body hello world", "end"], "step \(step)")
        }
    }

    @Test(arguments: [
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "both Content-Length and Transfer-Encoding"),
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400, "two different Content-Length"),
        ("POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n", 400, "decimal"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "only Transfer-Encoding: chunked"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501, "only Transfer-Encoding: chunked"),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "HTTP/1.0"),
        ("GET / HTTP/1.1\nHost: a\r\n\r\n", 400, "bare LF"),
        ("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400, "bare CR"),
        ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "obsolete line folding"),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "header name"),
        ("GET / HTTP/1.1\r\n: a\r\n\r\n", 400, "without a name"),
        ("GET / HTTP/1.1\r\nX: a\u{1}b\r\n\r\n", 400, "control character"),
        ("GET / HTTP/2.0\r\n\r\n", 505, "HTTP/1.0 and HTTP/1.1"),
        ("GET  / HTTP/1.1\r\n\r\n", 400, "METHOD TARGET"),
        ("GARBAGE\r\n\r\n", 400, "METHOD TARGET"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "hexadecimal"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n", 400, "hexadecimal"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 400, "longer than its size"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", 400, "too large"),
        ("POST / HTTP/1.1\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n", 400, "two Authorization"),
    ])
    func ambiguousOrMalformedRequestsAreRefused(text: String, status: Int, fragment: String) {
        for step in [0, 1] {
            let result = events(text, step: step)
            #expect(result.error?.status == status, "step \(step): \(String(describing: result.error)) for \(text.debugDescription)")
            #expect(result.error?.reason.contains(fragment) == true, "\(String(describing: result.error))")
        }
    }

    @Test func anOversizedHeadIs431EvenBeforeItEnds() {
        let big = "GET / HTTP/1.1\r\nX-Fill: " + String(repeating: "a", count: 2000)
        #expect(events(big, maxHeadBytes: 1024).error?.status == 431, "no end of head yet")
        #expect(events(big + "\r\n\r\n", maxHeadBytes: 1024).error?.status == 431)
        #expect(events(big + "\r\n\r\n", maxHeadBytes: 4096).error == nil)
    }
}

extension HTTPRequestScannerTests {
    /// The token bitmap is RFC 9110's `tchar` for every one of the 256 byte values.
    @Test func tokenBytesAreRFC9110Tchar() {
        let tchar = Set(Array("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8))
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPWire.isTokenByte(byte) == tchar.contains(byte), "byte \(byte)")
        }
        #expect(events("GET / HTTP/1.1\r\nX-Ok~!: 1\r\n\r\n").error == nil)
        #expect(events("GET / HTTP/1.1\r\nX(bad): 1\r\n\r\n").error?.status == 400)
    }
}
