import HTTPWire
import NIOCore
import NIOHTTP1

/// Reads the requests of one client connection out of its byte stream, in the receive buffers they arrived in: a
/// head becomes an `HTTPRequestHead` (what routing and rewriting work on), the body comes out as slices of the
/// received bytes with any chunk framing removed. One request at a time: bytes of a pipelined request stay in the
/// buffer until the previous one has been answered.
///
/// Strict where a lenient reader lets a client smuggle a request past the server behind the proxy: both
/// `Content-Length` and `Transfer-Encoding`, differing lengths, codings other than `chunked`, bare CR or LF,
/// obs-fold and whitespace before a colon are refused with 400 (501 for an unknown coding, 505 for another HTTP
/// version, 431 for a head over the limit).
struct ClientRequestScanner {
    enum Event {
        case head(HTTPRequestHead, RequestFraming)
        case body(ByteBuffer)
        case end
    }

    private var stream: RequestStreamReader

    init(maxHeadBytes: Int) {
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
            let (head, framing) = try buffer.readHead(length: length, Self.parseHead)
            stream.startBody(framing)
            return .head(head, framing)
        }
    }

    /// Every header line of the head, as sent (names keep their case, repeated headers stay separate lines).
    static func parseHead(_ bytes: HeadBytes) throws(HTTPScanError) -> (HTTPRequestHead, RequestFraming) {
        guard !bytes.isEmpty else { throw .bad("empty request") }
        var (line, next) = try HTTPWire.nextLine(bytes, from: bytes.startIndex)
        let requestLine = try HTTPWire.requestLine(line)
        var headers = HTTPHeaders()
        var framing = RequestFramingHeaders()
        while let start = next {
            (line, next) = try HTTPWire.nextLine(bytes, from: start)
            let (name, value) = try HTTPWire.headerField(line)
            try framing.add(name: name, value: value)
            headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        let head = HTTPRequestHead(
            version: HTTPVersion(major: 1, minor: requestLine.minorVersion),
            method: HTTPMethod(rawValue: String(decoding: requestLine.method, as: UTF8.self)),
            uri: String(decoding: requestLine.target, as: UTF8.self),
            headers: headers
        )
        return (head, try framing.framing(minorVersion: requestLine.minorVersion))
    }
}
