public import NIOCore

/// Finds where the next request head ends in a stream of bytes that may arrive in pieces: skips the empty lines a
/// client may send before a request (RFC 9112 §2.2), remembers how far an unfinished head was already searched (a
/// head that trickles in byte by byte is not searched from its start on every read), and refuses a head larger
/// than the limit with 431 as soon as that many bytes hold no end.
struct RequestHeadFinder: Sendable {
    /// The largest request head (request line and headers).
    let maxHeadBytes: Int
    private var searchedHeadBytes = 0

    init(maxHeadBytes: Int) {
        self.maxHeadBytes = maxHeadBytes
    }

    /// The length of the head at the front of `buffer`, without its final CRLF CRLF, or nil when it has not ended yet.
    /// Leading empty lines are consumed.
    mutating func headLength(in buffer: inout ByteBuffer) throws(HTTPScanError) -> Int? {
        var skipped = 0
        while buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) == 0x0D0A {
            buffer.moveReaderIndex(forwardBy: 2)
            skipped += 2
        }
        searchedHeadBytes = max(0, searchedHeadBytes - skipped)
        let from = max(0, searchedHeadBytes - 3)
        let limit = maxHeadBytes + 4
        guard let headLength = buffer.withUnsafeReadableBytes({ HTTPWire.endOfHead(in: $0, from: from, limit: limit) }) else {
            // A head whose lines end in bare LFs never shows CRLF CRLF: refuse it now rather than at the timeout.
            let problem = buffer.withUnsafeReadableBytes { HTTPWire.bareLineEnd(in: $0, from: from, to: min($0.count, limit)) }
            if let problem { throw .bad(problem) }
            // The end of a head of exactly `maxHeadBytes` may still be arriving.
            if buffer.readableBytes >= limit { throw tooLarge }
            searchedHeadBytes = buffer.readableBytes
            return nil
        }
        searchedHeadBytes = 0
        return headLength
    }

    private var tooLarge: HTTPScanError {
        HTTPScanError(status: 431, reason: "the request head is larger than \(maxHeadBytes) bytes")
    }
}

extension HTTPWire {
    /// A LF without CR before it, or a CR followed by anything but LF, in `from..<to`.
    @usableFromInline
    static func bareLineEnd(in bytes: UnsafeRawBufferPointer, from: Int, to end: Int) -> String? {
        var index = from
        while index < end {
            switch bytes[index] {
            case 10 where index == 0 || bytes[index - 1] != 13: return "a bare LF in the request head"
            case 13 where index + 1 < bytes.count && bytes[index + 1] != 10: return "a bare CR in the request head"
            default: index += 1
            }
        }
        return nil
    }
}

extension ByteBuffer {
    /// Parses the head of `length` bytes found by ``RequestHeadFinder`` where it lies in the buffer (no copy) with
    /// `parse`, then moves past it and its final CRLF CRLF.
    @inlinable
    public mutating func readHead<Head>(length: Int, _ parse: (HeadBytes) throws(HTTPScanError) -> Head) throws(HTTPScanError) -> Head {
        let head = try parseHead(length: length, parse)
        moveReaderIndex(forwardBy: length + 4)
        return head
    }

    /// Parses the head of `length` bytes at the front of the buffer with `parse`, leaving it in the buffer (so
    /// slices of it can still be taken; move past it with `length + 4`). A head with a bare CR or LF anywhere is
    /// refused for that, whichever line the parser stumbled on first, so the answer does not depend on how the
    /// head was split across reads.
    // Inlinable so that each caller gets it specialized for its own head type: unspecialized, every call looked up
    // generic metadata at run time (measured: 2 % of authz's CPU).
    @inlinable
    public func parseHead<Head>(length: Int, _ parse: (HeadBytes) throws(HTTPScanError) -> Head) throws(HTTPScanError) -> Head {
        let parsed: Result<Head, HTTPScanError> = withUnsafeReadableBytes { raw in
            let head = UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[..<length])
            do throws(HTTPScanError) { return .success(try parse(head[...])) } catch {
                if let problem = HTTPWire.bareLineEnd(in: raw, from: 0, to: length) { return .failure(.bad(problem)) }
                return .failure(error)
            }
        }
        return try parsed.get()
    }
}
