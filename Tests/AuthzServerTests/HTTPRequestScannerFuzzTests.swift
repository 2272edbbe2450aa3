@testable import AuthzServer
import HTTPWire
import NIOCore
import Testing

/// Damaged and random requests never crash or hang the reader, and whatever it accepts is framed the same way
/// whether the bytes arrive at once or one by one.
@Suite struct HTTPRequestScannerFuzzTests {
    /// A small deterministic generator (SplitMix64), so a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds: [[UInt8]] = [
        "POST /v1/authz HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nAuthorization: Bearer t\r\n\r\nhello",
        "POST /v1/authz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\n",
        "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /version HTTP/1.1\r\n\r\n",
    ].map { Array($0.utf8) }

    static let interesting: [UInt8] = Array("\r\n :;0123456789abcdefABCDEF\t\u{0}\u{7f}-/".utf8) + [0xFF, 0xC3]

    func scan(_ bytes: [UInt8], step: Int) -> (events: [String], error: Int?) {
        var scanner = HTTPRequestScanner(maxHeadBytes: 512)
        var pending = ByteBuffer()
        var events: [String] = []
        var offset = 0
        var steps = 0
        do {
            while offset < bytes.count {
                let end = min(bytes.count, offset + step)
                pending.writeBytes(bytes[offset..<end])
                offset = end
                while let event = try scanner.next(&pending) {
                    steps += 1
                    if steps > 10_000 { Issue.record("no progress"); return (events, nil) }
                    switch event {
                    case .head(let head): events.append("head \(head.method) \(head.target) \(head.framing) \(head.keepAlive)")
                    case .body(let chunk): events.append("body " + String(decoding: chunk.readableBytesView, as: UTF8.self))
                    case .end: events.append("end")
                    }
                }
            }
        } catch {
            return (HTTPRequestScannerTests.merged(events), error.status)
        }
        return (HTTPRequestScannerTests.merged(events), nil)
    }

    @Test func mutatedRequestsNeverCrashAndSplitReadsAgree() {
        var random = Generator(state: 0x5EED)
        for round in 0..<10_000 {
            var bytes = Self.seeds[round % Self.seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[position] = Self.interesting.randomElement(using: &random)!
                case 1: bytes.insert(Self.interesting.randomElement(using: &random)!, at: position)
                case 2: bytes.remove(at: position)
                default: bytes[position] = UInt8.random(in: 0...255, using: &random)
                }
                if bytes.isEmpty { bytes = [0x0D] }
            }
            let whole = scan(bytes, step: bytes.count)
            let split = scan(bytes, step: Int.random(in: 1...7, using: &random))
            #expect(whole.events == split.events && whole.error == split.error,
                    "round \(round): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            if let status = whole.error { #expect([400, 431, 501, 505].contains(status)) }
        }
    }

    @Test func randomBytesNeverCrash() {
        var random = Generator(state: 42)
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 1...600, using: &random)).map { _ in
                Bool.random(using: &random) ? Self.interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            }
            _ = scan(bytes, step: Int.random(in: 1...64, using: &random))
        }
    }
}
