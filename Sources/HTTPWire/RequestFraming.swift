/// How a request's body is delimited (RFC 9112 §6.3).
public enum RequestFraming: Equatable, Sendable {
    /// No body.
    case none
    case length(Int)
    case chunked
}

/// Collects the `Content-Length` and `Transfer-Encoding` lines of a request head and decides its framing, refusing
/// every combination two parsers could read differently (request smuggling): both headers, different lengths, a
/// length that is not plain decimal, any coding but a single `chunked`, and chunked HTTP/1.0.
public struct RequestFramingHeaders: Sendable {
    private var contentLength: Int?
    private var chunked = false

    public init() {}

    /// Looks at one header line; returns whether it was a framing header.
    @discardableResult
    public mutating func add(name: HeadBytes, value: HeadBytes) throws(HTTPScanError) -> Bool {
        switch name.count {
        case 14 where HTTPWire.equalsIgnoringCase(name, "content-length"):
            guard let length = HTTPWire.decimal(value) else { throw .bad("Content-Length must be a decimal number") }
            if let earlier = contentLength, earlier != length { throw .bad("two different Content-Length headers") }
            contentLength = length
            return true
        case 17 where HTTPWire.equalsIgnoringCase(name, "transfer-encoding"):
            guard HTTPWire.equalsIgnoringCase(value, "chunked"), !chunked else {
                throw HTTPScanError(status: 501, reason: "only Transfer-Encoding: chunked is supported")
            }
            chunked = true
            return true
        default:
            return false
        }
    }

    /// The framing of a request of this HTTP/1 minor version with the headers seen.
    public func framing(minorVersion: Int) throws(HTTPScanError) -> RequestFraming {
        if chunked, contentLength != nil { throw .bad("both Content-Length and Transfer-Encoding") }
        if chunked, minorVersion == 0 { throw .bad("Transfer-Encoding in an HTTP/1.0 request") }
        return chunked ? .chunked : contentLength.map { .length($0) } ?? .none
    }
}
