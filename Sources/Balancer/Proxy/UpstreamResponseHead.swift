import NIOCore

/// An upstream server's response head as read from the bytes: what the proxy needs to decide framing and reuse,
/// plus the header lines kept as received so they can be forwarded without being decoded and re-encoded.
struct UpstreamResponseHead {
    /// How the response body is delimited (RFC 9112 §6.3).
    enum Framing: Equatable {
        /// No body: a response to HEAD, or 1xx, 204 or 304.
        case none
        case length(Int)
        case chunked
        /// The body ends when the server closes the connection.
        case untilClose
    }

    var status: Int
    /// 0 for an HTTP/1.0 server, 1 for HTTP/1.1.
    var minorVersion: Int
    /// The reason phrase as sent (may be empty).
    var reason: ByteBuffer
    /// Every header line with its CRLF, as received.
    var headerLines: ByteBuffer
    /// Byte ranges of `headerLines` (relative to its reader index) that are not forwarded: hop-by-hop headers, in
    /// ascending order.
    var droppedLines: [Range<Int>] = []
    var framing: Framing = .untilClose
    /// The server keeps the connection open after this response (HTTP/1.1 without `Connection: close`, or
    /// HTTP/1.0 with `Connection: keep-alive`).
    var serverKeepsAlive: Bool
    /// A `Transfer-Encoding` header was sent (it is removed for HTTP/1.0 clients along with the chunking).
    var hasTransferEncoding = false
    /// Byte ranges of the `Transfer-Encoding` lines, dropped for HTTP/1.0 clients.
    var transferEncodingLines: [Range<Int>] = []

    /// The server's connection may carry another request after this response.
    var connectionReusable: Bool { serverKeepsAlive && framing != .untilClose }

    /// The `Connection` line the proxy adds for its client.
    enum ConnectionLine {
        case none, close, keepAlive
    }

    /// Writes the head for the client: the client's HTTP version, the status and reason as received, the header
    /// lines except hop-by-hop ones (and `Transfer-Encoding` when `dropTransferEncoding`), then the proxy's own
    /// `Connection` line and, with `addChunked`, `Transfer-Encoding: chunked`.
    func write(to out: inout ByteBuffer, clientMinorVersion: Int, dropTransferEncoding: Bool, connection: ConnectionLine, addChunked: Bool) {
        out.writeStaticString(clientMinorVersion == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        writeStatusCode(&out)
        out.writeInteger(UInt8(ascii: " "))
        out.writeImmutableBuffer(reason)
        out.writeStaticString("\r\n")
        // `droppedLines` is in ascending order; merging in the Transfer-Encoding lines (HTTP/1.0 clients) is rare.
        let skipped = dropTransferEncoding ? (droppedLines + transferEncodingLines).sorted { $0.lowerBound < $1.lowerBound } : droppedLines
        var position = 0
        for range in skipped where range.lowerBound >= position {
            if range.lowerBound > position {
                out.writeImmutableBuffer(headerLines.getSlice(at: headerLines.readerIndex + position, length: range.lowerBound - position)!)
            }
            position = range.upperBound
        }
        if position < headerLines.readableBytes {
            out.writeImmutableBuffer(headerLines.getSlice(at: headerLines.readerIndex + position, length: headerLines.readableBytes - position)!)
        }
        switch connection {
        case .none: break
        case .close: out.writeStaticString("Connection: close\r\n")
        case .keepAlive: out.writeStaticString("Connection: keep-alive\r\n")
        }
        if addChunked { out.writeStaticString("Transfer-Encoding: chunked\r\n") }
        out.writeStaticString("\r\n")
    }

    private func writeStatusCode(_ out: inout ByteBuffer) {
        out.writeInteger(UInt8(ascii: "0") + UInt8(status / 100))
        out.writeInteger(UInt8(ascii: "0") + UInt8(status / 10 % 10))
        out.writeInteger(UInt8(ascii: "0") + UInt8(status % 10))
    }
}

/// Why an upstream response cannot be relayed. The proxy answers 502 (and may retry elsewhere when nothing of the
/// response reached the client).
struct UpstreamResponseError: Error, Equatable, CustomStringConvertible {
    var reason: String
    var description: String { "invalid response from the server: \(reason)" }
}
