public import NIOCore

/// The request stream of one connection, one request after another: finds where each head ends (the reader's
/// owner parses it, into whatever it needs) and then reads that request's body by the framing the owner found.
/// Pipelined requests and requests split across reads come out the same.
public struct RequestStreamReader: Sendable {
    public enum Event: Equatable, Sendable {
        /// A complete head of `length` bytes (without its final CRLF CRLF) is at the front of the buffer, not
        /// consumed: parse it, move past `length + 4` bytes, then call ``startBody(_:)``.
        case head(length: Int)
        case body(ByteBuffer)
        case end
    }

    private var heads: RequestHeadFinder
    /// The body of the request whose head was read last; nil while a head is awaited.
    private var body: RequestBodyReader?

    public init(maxHeadBytes: Int) {
        heads = RequestHeadFinder(maxHeadBytes: maxHeadBytes)
    }

    /// The largest request head (request line and headers); more gets 431.
    public var maxHeadBytes: Int { heads.maxHeadBytes }

    /// The next event from the front of `buffer`, or nil when more bytes are needed.
    public mutating func next(_ buffer: inout ByteBuffer) throws(HTTPScanError) -> Event? {
        if body != nil {
            switch try body!.next(&buffer) {
            case nil: return nil
            case .data(let slice): return .body(slice)
            case .end:
                body = nil
                return .end
            }
        }
        return try heads.headLength(in: &buffer).map { .head(length: $0) }
    }

    /// The head just reported has been read; its body, framed so, comes next.
    public mutating func startBody(_ framing: RequestFraming) {
        body = RequestBodyReader(framing)
    }
}
