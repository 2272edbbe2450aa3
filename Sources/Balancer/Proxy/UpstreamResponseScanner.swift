import HTTPWire
import NIOCore

/// An incremental reader of the responses on one server connection. The head is parsed only as far as the proxy
/// needs (status, framing, reuse, hop-by-hop lines); header lines and body bytes are handed on as received, so a
/// response is relayed without being decoded and re-encoded. Chunked bodies are followed chunk by chunk to find
/// their end, and passed on raw or with the chunk framing removed (``dechunk``, for HTTP/1.0 clients).
///
/// Strict where a lenient reader would let a server desynchronise the connection: both `Content-Length` and
/// `Transfer-Encoding`, differing lengths, bare LF, obs-fold, whitespace before a colon and malformed chunk sizes
/// are refused.
struct UpstreamResponseScanner {
    enum Event {
        case head(UpstreamResponseHead)
        case body(ByteBuffer)
        case end
    }

    private enum State: Equatable {
        /// No request is waiting for a response: any byte is unexpected.
        case idle
        case head
        case fixed(remaining: Int)
        case untilClose
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case finished
    }

    /// The largest response head accepted (nginx's `proxy_buffer_size` is 4–8 KiB, HAProxy's buffer 16 KiB).
    static let maxHeadBytes = 64 << 10
    /// The longest chunk-size line, extensions included.
    static let maxChunkLineBytes = 4096

    private var state = State.idle
    private var requestIsHEAD = false
    private var searchedHeadBytes = 0
    /// Body bytes of a chunked response are passed on without the chunk framing (set after the head).
    var dechunk = false

    /// No response is in progress or expected.
    var isIdle: Bool { state == .idle }

    /// Gets ready for the response to a request just sent; the request method decides whether it has a body.
    mutating func expectResponse(toHEAD: Bool) {
        state = .head
        requestIsHEAD = toHEAD
        searchedHeadBytes = 0
        dechunk = false
    }

    /// The next event from the front of `buffer` (consumed), or nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) throws(UpstreamResponseError) -> Event? {
        switch state {
        case .idle:
            guard buffer.readableBytes == 0 else { throw UpstreamResponseError(reason: "bytes sent without a request") }
            return nil
        case .head:
            while true {
                guard let head = try readHead(&buffer) else { return nil }
                if (100..<200).contains(head.status) {
                    // Interim responses (100 Continue, 103 Early Hints) are not relayed: the final one follows.
                    if head.status == 101 { throw UpstreamResponseError(reason: "101 Switching Protocols, but no upgrade was asked for") }
                    continue
                }
                switch head.framing {
                case .none: state = .finished
                case .length(let length): state = length == 0 ? .finished : .fixed(remaining: length)
                case .chunked: state = .chunkSize
                case .untilClose: state = .untilClose
                }
                return .head(head)
            }
        case .finished:
            state = .idle
            return .end
        case .fixed(let remaining):
            guard buffer.readableBytes > 0 else { return nil }
            let slice = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
            state = remaining == slice.readableBytes ? .finished : .fixed(remaining: remaining - slice.readableBytes)
            return .body(slice)
        case .untilClose:
            guard buffer.readableBytes > 0 else { return nil }
            return .body(buffer.readSlice(length: buffer.readableBytes)!)
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            return try readChunked(&buffer)
        }
    }

    /// A close of the connection now ends the response (its body is delimited by the close) rather than
    /// cutting it short.
    var closeEndsResponse: Bool { state == .untilClose || state == .finished }

    // MARK: chunked bodies

    private mutating func readChunked(_ buffer: inout ByteBuffer) throws(UpstreamResponseError) -> Event? {
        let original = buffer
        loop: while true {
            switch state {
            case .chunkSize:
                guard let size = try readChunkSizeLine(&buffer) else { break loop }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                guard buffer.readableBytes > 0 else { break loop }
                let length = min(remaining, buffer.readableBytes)
                state = length == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - length)
                if dechunk { return .body(buffer.readSlice(length: length)!) }
                buffer.moveReaderIndex(forwardBy: length)
            case .chunkDataEnd:
                guard buffer.readableBytes >= 2 else { break loop }
                guard buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) == 0x0D0A else {
                    throw UpstreamResponseError(reason: "chunk data not followed by CRLF")
                }
                buffer.moveReaderIndex(forwardBy: 2)
                state = .chunkSize
            case .trailers:
                guard let lineLength = try lineLength(in: buffer, limit: Self.maxHeadBytes) else { break loop }
                buffer.moveReaderIndex(forwardBy: lineLength + 2)
                if lineLength == 0 {
                    state = .finished
                    break loop
                }
            default:
                break loop
            }
        }
        let consumed = buffer.readerIndex - original.readerIndex
        if !dechunk, consumed > 0 { return .body(original.getSlice(at: original.readerIndex, length: consumed)!) }
        if state == .finished {
            state = .idle
            return .end
        }
        return nil
    }

    /// Reads `1a3;ext=1\r\n`: the size, or nil when the line is not complete yet.
    private func readChunkSizeLine(_ buffer: inout ByteBuffer) throws(UpstreamResponseError) -> Int? {
        guard let length = try lineLength(in: buffer, limit: Self.maxChunkLineBytes) else { return nil }
        let size: Int
        do {
            size = try buffer.withUnsafeReadableBytes { bytes throws(HTTPWire.ChunkSizeError) in
                try HTTPWire.chunkSize(UnsafeRawBufferPointer(rebasing: bytes[..<length]))
            }
        } catch {
            throw UpstreamResponseError(reason: error.description)
        }
        buffer.moveReaderIndex(forwardBy: length + 2)
        return size
    }

    /// The length of the CRLF-terminated line at the front of `buffer` (CRLF excluded), nil when incomplete.
    private func lineLength(in buffer: ByteBuffer, limit: Int) throws(UpstreamResponseError) -> Int? {
        let found: Int?? = buffer.withUnsafeReadableBytes { bytes in
            for index in 0..<min(bytes.count, limit + 2) where bytes[index] == UInt8(ascii: "\n") {
                return index > 0 && bytes[index - 1] == UInt8(ascii: "\r") ? .some(index - 1) : .some(nil)
            }
            return nil
        }
        switch found {
        case .some(.some(let length)): return length
        case .some(.none): throw UpstreamResponseError(reason: "bare LF in chunked framing")
        case .none:
            if buffer.readableBytes > limit + 2 { throw UpstreamResponseError(reason: "chunk framing line longer than \(limit) bytes") }
            return nil
        }
    }

    // MARK: the head

    private mutating func readHead(_ buffer: inout ByteBuffer) throws(UpstreamResponseError) -> UpstreamResponseHead? {
        let from = max(0, searchedHeadBytes - 3)
        let end = buffer.withUnsafeReadableBytes { HTTPWire.endOfHead(in: $0, from: from, limit: .max) }
        guard let end else {
            searchedHeadBytes = buffer.readableBytes
            if buffer.readableBytes > Self.maxHeadBytes { throw UpstreamResponseError(reason: "response head larger than \(Self.maxHeadBytes / 1024) KiB") }
            return nil
        }
        guard end + 4 <= Self.maxHeadBytes else { throw UpstreamResponseError(reason: "response head larger than \(Self.maxHeadBytes / 1024) KiB") }
        searchedHeadBytes = 0
        let block = buffer.readSlice(length: end + 4)!
        return try UpstreamResponseHeadParser.parse(block, requestIsHEAD: requestIsHEAD)
    }
}

