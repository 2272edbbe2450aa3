@testable import Balancer
import HTTPWire
import IAMTestSupport
import NIOCore
import NIOHTTP1
import Testing

/// The load balancer's reader of client requests: heads keep every header line as sent, bodies come out without
/// chunk framing, pipelined and split requests come out in order, and whatever two parsers could read differently
/// is refused with the status nginx or HAProxy would give.
@Suite struct ClientRequestScannerTests {
    /// Every event of `text` fed in pieces of `step` bytes (0: all at once), adjacent body pieces joined; the error.
    func events(_ text: String, step: Int = 0, maxHeadBytes: Int = 16 << 10) -> (events: [String], error: HTTPScanError?) {
        events(bytes: Array(text.utf8), step: step, maxHeadBytes: maxHeadBytes)
    }

    func events(bytes: [UInt8], step: Int = 0, maxHeadBytes: Int = 16 << 10) -> (events: [String], error: HTTPScanError?) {
        var scanner = ClientRequestScanner(maxHeadBytes: maxHeadBytes)
        var pending = ByteBuffer()
        var out: [String] = []
        let pieces = step == 0 ? [bytes[...]] : stride(from: 0, to: bytes.count, by: step).map { bytes[$0..<min($0 + step, bytes.count)] }
        do {
            for piece in pieces {
                pending.writeBytes(piece)
                while let event = try scanner.next(&pending) {
                    switch event {
                    case .head(let head, let framing):
                        let headers = head.headers.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
                        out.append("head \(head.method.rawValue) \(head.uri) 1.\(head.version.minor) [\(headers)] \(framing)")
                    case .body(let chunk):
                        if let last = out.last, last.hasPrefix("body ") { out[out.count - 1] += String(buffer: chunk) } else { out.append("body " + String(buffer: chunk)) }
                    case .end:
                        out.append("end")
                    }
                }
            }
        } catch {
            return (out, error)
        }
        return (out, nil)
    }

    @Test func pipelinedRequestsKeepEveryHeaderLineWhateverTheReadSizes() {
        let text = "\r\nPOST /up?x=1 HTTP/1.1\r\nHost: a.test\r\nX-Dup: 1\r\nx-dup:  2 \r\nContent-Length: 5\r\n\r\nhello"
            + "GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
            + "PURGE /c HTTP/1.1\r\n\r\n"
        let expected = ["head POST /up?x=1 1.1 [Host=a.test,X-Dup=1,x-dup=2,Content-Length=5] length(5)", "body hello", "end",
                        "head GET /b 1.0 [Connection=keep-alive] none", "end",
                        "head PURGE /c 1.1 [] none", "end"]
        for step in [0, 1, 2, 5, 64] {
            let result = events(text, step: step)
            #expect(result.error == nil, "step \(step): \(String(describing: result.error))")
            #expect(result.events == expected, "step \(step)")
        }
    }

    @Test func methodsAndTargetsAsNIOKnowsThem() throws {
        var scanner = ClientRequestScanner(maxHeadBytes: 1024)
        var buffer = ByteBuffer(string: "PURGE /caf\u{E9} HTTP/1.1\r\nHost: x\r\n\r\n")
        guard case .head(let head, _)? = try scanner.next(&buffer) else {
            Issue.record("no head")
            return
        }
        #expect(head.method == .RAW(value: "PURGE"))
        #expect(head.uri == "/caf\u{E9}", "raw UTF-8 in the target is passed on, as nginx does")
        #expect(head.isKeepAlive)
    }

    @Test func chunkedBodiesLoseTheirFramingAndTrailers() {
        let text = "POST / HTTP/1.1\r\nTransfer-Encoding:  Chunked \r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\nGET /next HTTP/1.1\r\n\r\n"
        for step in [0, 1, 3] {
            let result = events(text, step: step)
            #expect(result.error == nil)
            #expect(result.events == ["head POST / 1.1 [Transfer-Encoding=Chunked] chunked", "body hello world", "end",
                                      "head GET /next 1.1 [] none", "end"], "step \(step)")
        }
    }

    @Test func equalRepeatedLengthsAreOneLength() {
        let result = events("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
        #expect(result.error == nil && result.events.last == "end" && result.events.contains("body ok"))
    }

    @Test(arguments: [
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "both Content-Length and Transfer-Encoding"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400, "both Content-Length and Transfer-Encoding"),
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400, "two different Content-Length"),
        ("POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n", 400, "decimal"),
        ("POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\n", 400, "decimal"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "only Transfer-Encoding: chunked"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501, "only Transfer-Encoding: chunked"),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "HTTP/1.0"),
        ("GET / HTTP/1.1\nHost: a\n\n", 400, "bare LF"),
        ("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400, "bare CR"),
        ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "obsolete line folding"),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "header name"),
        ("GET / HTTP/1.1\r\n: a\r\n\r\n", 400, "without a name"),
        ("GET / HTTP/1.1\r\nX: a\u{0}b\r\n\r\n", 400, "control character"),
        ("GET / HTTP/2.0\r\n\r\n", 505, "HTTP/1.0 and HTTP/1.1"),
        ("GET /a b HTTP/1.1\r\n\r\n", 400, "METHOD TARGET"),
        ("G(T / HTTP/1.1\r\n\r\n", 400, "METHOD TARGET"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", 400, "hexadecimal"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n", 400, "hexadecimal"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5garbage\r\nhello\r\n0\r\n\r\n", 400, "hexadecimal"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n;ext\r\n", 400, "needs hex digits"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 400, "longer than its size"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", 400, "too large"),
    ])
    func ambiguousOrMalformedRequestsAreRefused(text: String, status: Int, fragment: String) {
        for step in [0, 1] {
            let result = events(text, step: step)
            #expect(result.error?.status == status, "step \(step): \(String(describing: result.error)) for \(text.debugDescription)")
            #expect(result.error?.reason.contains(fragment) == true, "\(String(describing: result.error))")
        }
    }

    /// Header values are checked eight bytes at a time, then byte by byte: a control byte anywhere in a long value
    /// is found, a tab is not refused.
    @Test func controlBytesAnywhereInALongValueAreRefused() {
        let value = Array(repeating: UInt8(ascii: "v"), count: 40)
        for position in 0..<value.count {
            for (byte, refused) in [(UInt8(0x01), true), (UInt8(0x7F), true), (UInt8(0x00), true), (UInt8(0x09), false), (UInt8(0x80), false)] {
                var bytes = value
                bytes[position] = byte
                // Leading and trailing tabs are whitespace around the value, not part of it.
                if byte == 0x09 && (position == 0 || position == value.count - 1) { continue }
                var buffer = ByteBuffer(string: "GET / HTTP/1.1\r\nX-Long: ")
                buffer.writeBytes(bytes)
                buffer.writeString("\r\n\r\n")
                var scanner = ClientRequestScanner(maxHeadBytes: 1024)
                let error: HTTPScanError?
                do { _ = try scanner.next(&buffer); error = nil } catch let caught { error = caught }
                #expect((error?.reason.contains("control character") ?? false) == refused, "byte \(byte) at \(position): \(String(describing: error))")
            }
        }
    }

    @Test func anOversizedHeadIs431EvenBeforeItEnds() {
        let big = "GET / HTTP/1.1\r\nX-Fill: " + String(repeating: "a", count: 2000)
        #expect(events(big, maxHeadBytes: 1024).error?.status == 431, "no end of head yet")
        #expect(events(big, step: 100, maxHeadBytes: 1024).error?.status == 431, "arriving in pieces")
        #expect(events(big + "\r\n\r\n", maxHeadBytes: 1024).error?.status == 431)
        #expect(events(big + "\r\n\r\n", maxHeadBytes: 4096).error == nil)
    }

    @Test func bodyPiecesAreSlicesOfTheReceivedBytes() throws {
        var scanner = ClientRequestScanner(maxHeadBytes: 1024)
        var buffer = ByteBuffer(string: "POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody")
        _ = try scanner.next(&buffer)
        guard case .body(let body)? = try scanner.next(&buffer) else {
            Issue.record("no body")
            return
        }
        let sameStorage = body.withUnsafeReadableBytes { piece in
            buffer.withUnsafeReadableBytes { rest in piece.baseAddress! + piece.count == rest.baseAddress! }
        }
        #expect(sameStorage, "the body is not copied out of the receive buffer")
    }

    @Test func damagedRequestsNeverCrashAndSplitReadsAgree() {
        let seeds = [
            "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello",
            "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\n",
            "GET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /d HTTP/1.1\r\n\r\n",
        ].map { Array($0.utf8) }
        let interesting = Array("\r\n :;0123456789abcdef\t\u{0}\u{7f}-/".utf8) + [0xFF, 0xC3]
        var random = SplitMix64(seed: 0xC11E)
        for round in 0..<5_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0...random.below(3) {
                let position = random.below(bytes.count)
                switch random.below(4) {
                case 0: bytes[position] = interesting[random.below(interesting.count)]
                case 1: bytes.insert(interesting[random.below(interesting.count)], at: position)
                case 2: bytes.remove(at: position)
                default: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                }
                if bytes.isEmpty { bytes = [0x0D] }
            }
            let whole = events(bytes: bytes, maxHeadBytes: 512)
            let split = events(bytes: bytes, step: 1 + random.below(7), maxHeadBytes: 512)
            #expect(whole.events == split.events && whole.error?.status == split.error?.status,
                    "round \(round): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            if let status = whole.error?.status { #expect([400, 431, 501, 505].contains(status)) }
        }
    }
}

/// One chunk-size rule for requests (both scanners) and responses: digits, blanks, then nothing or `;`.
@Suite struct ChunkSizeLineTests {
    @Test(arguments: [
        ("0", 0), ("5", 5), ("1a3", 0x1A3), ("00000F", 15), ("fffffffffffffff", 0xFFF_FFFF_FFFF_FFFF),
        ("5;name=value", 5), ("5 ;name", 5), ("5\t; a = \"b\"", 5), ("5 ", 5), ("5;", 5),
    ])
    func sizesAreRead(line: String, size: Int) throws {
        #expect(try Array(line.utf8).withUnsafeBytes { try HTTPWire.chunkSize($0) } == size, "\(line.debugDescription)")
    }

    @Test(arguments: [
        ("", HTTPWire.ChunkSizeError.noDigits), (" 5", .noDigits), (";ext", .noDigits), ("\t5", .noDigits),
        ("5 x", .notHexadecimal), ("5x", .notHexadecimal), ("5 5", .notHexadecimal), ("-1", .notHexadecimal),
        ("0x5", .notHexadecimal), ("+5", .notHexadecimal), ("5,6", .notHexadecimal), ("g", .notHexadecimal),
        ("1000000000000000", .tooLarge), ("fffffffffffffffff", .tooLarge),
    ])
    func malformedLinesAreRefused(line: String, error: HTTPWire.ChunkSizeError) {
        #expect(throws: error, "\(line.debugDescription)") { try Array(line.utf8).withUnsafeBytes { try HTTPWire.chunkSize($0) } }
    }
}
