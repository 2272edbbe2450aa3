import HTTPWire
import NIOCore

/// What the authz listener needs of one HTTP/1.x request head, read straight from the bytes.
struct ScannedRequestHead: Equatable {
    var method: String
    /// The request target as sent; ``path`` is the part before `?`.
    var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    var minorVersion: Int
    var keepAlive: Bool
    /// The `Authorization` header's value, as a slice of the receive buffer (not copied: most tokens are found in
    /// the verified-token cache by their bytes).
    var authorization: ByteBuffer?
    var expectContinue = false
    var framing: RequestFraming = .none

    /// Found on the UTF-8 bytes: `firstIndex(of: Character)` walks grapheme clusters, a cost paid on every decision.
    var path: Substring {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target[...] }
        return target[..<mark]
    }
}

/// An incremental HTTP/1.x request reader for the decision listener: one request at a time out of a byte
/// stream, so pipelined requests and requests split across reads both work. It reads only what authz needs (no
/// header dictionary is built) and is strict where lenient parsers open request-smuggling holes: both
/// `Content-Length` and `Transfer-Encoding`, differing lengths, any coding but `chunked`, bare CR or LF, obs-fold and
/// whitespace before a colon are refused (the rules live in `HTTPWire`, shared with the load balancer).
struct HTTPRequestScanner {
    enum Event: Equatable {
        case head(ScannedRequestHead)
        case body(ByteBuffer)
        case end
    }

    private var stream: RequestStreamReader

    init(maxHeadBytes: Int = 16 << 10) {
        stream = RequestStreamReader(maxHeadBytes: maxHeadBytes)
    }

    /// The largest request head (request line and headers); more gets 431.
    var maxHeadBytes: Int { stream.maxHeadBytes }

    /// The next event from the front of `buffer` (consumed), or nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) throws(HTTPScanError) -> Event? {
        switch try stream.next(&buffer) {
        case nil: return nil
        case .body(let slice): return .body(slice)
        case .end: return .end
        case .head(let length):
            // Parsed where it was read: the head is not copied out of the receive buffer.
            var (head, authorization) = try buffer.parseHead(length: length, Self.parseHead)
            if let authorization {
                head.authorization = buffer.getSlice(at: buffer.readerIndex + authorization.lowerBound, length: authorization.count)
            }
            buffer.moveReaderIndex(forwardBy: length + 4)
            stream.startBody(head.framing)
            return .head(head)
        }
    }
}
