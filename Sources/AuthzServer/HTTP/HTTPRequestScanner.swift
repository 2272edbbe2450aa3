import HTTPWire
import NIOCore

/// What the authz listener needs of one HTTP/1.x request head, read straight from the bytes.
struct ScannedRequestHead: Equatable {
    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    var method: String
    /// The request target as sent; ``path`` is the part before `?`.
    var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    var minorVersion: Int
    var keepAlive: Bool
    var authorization: String?
    var expectContinue = false
    var framing: Framing = .none

    var path: Substring { target.firstIndex(of: "?").map { target[..<$0] } ?? target[...] }
}

/// Why a request could not be read. The connection is answered with ``status`` and closed.
struct HTTPScanError: Error, Equatable {
    var status: Int
    var reason: String

    static func bad(_ reason: String) -> HTTPScanError { HTTPScanError(status: 400, reason: reason) }
}

/// An incremental HTTP/1.x request reader for the decision listener: one request at a time out of a byte
/// stream, so pipelined requests and requests split across reads both work. It reads only what authz needs (no
/// header dictionary is built) and is strict where lenient parsers open request-smuggling holes: both
/// `Content-Length` and `Transfer-Encoding`, differing lengths, any coding but `chunked`, bare CR or LF, obs-fold and
/// whitespace before a colon are refused.
struct HTTPRequestScanner {
    enum Event: Equatable {
        case head(ScannedRequestHead)
        case body(ByteBuffer)
        case end
    }

    private enum State: Equatable {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
    }

    /// The largest request head (request line and headers); more gets 431.
    let maxHeadBytes: Int
    private var state = State.head
    /// Bytes of an unfinished head already searched for its end, so a head that trickles in byte by byte is not
    /// searched again from its start on every read.
    private var searchedHeadBytes = 0

    init(maxHeadBytes: Int = 16 << 10) {
        self.maxHeadBytes = maxHeadBytes
    }

    /// The next event from the front of `buffer` (consumed), or nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) throws(HTTPScanError) -> Event? {
        switch state {
        case .head:
            guard let head = try readHead(&buffer) else { return nil }
            switch head.framing {
            case .none: state = .fixed(remaining: 0)
            case .length(let length): state = .fixed(remaining: length)
            case .chunked: state = .chunkSize
            }
            return .head(head)
        case .fixed(let remaining):
            if remaining == 0 { state = .head; return .end }
            guard buffer.readableBytes > 0 else { return nil }
            let slice = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
            state = .fixed(remaining: remaining - slice.readableBytes)
            return .body(slice)
        case .chunkSize:
            guard let line = try readLine(&buffer, limit: 1024, what: "chunk size line") else { return nil }
            let size = try Self.chunkSize(line)
            state = size == 0 ? .trailers : .chunkData(remaining: size)
            return try next(&buffer)
        case .chunkData(let remaining):
            guard buffer.readableBytes > 0 else { return nil }
            let slice = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
            state = slice.readableBytes == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - slice.readableBytes)
            return .body(slice)
        case .chunkDataEnd:
            guard let line = try readLine(&buffer, limit: 2, what: "chunk end") else { return nil }
            guard line.isEmpty else { throw .bad("chunk data is longer than its size") }
            state = .chunkSize
            return try next(&buffer)
        case .trailers:
            guard let line = try readLine(&buffer, limit: maxHeadBytes, what: "trailer") else { return nil }
            if line.isEmpty { state = .head; return .end }
            return try next(&buffer)
        }
    }


    private mutating func readHead(_ buffer: inout ByteBuffer) throws(HTTPScanError) -> ScannedRequestHead? {
        // RFC 9112 §2.2: ignore at least one empty line before the request line.
        var skipped = 0
        while buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) == 0x0D0A {
            buffer.moveReaderIndex(forwardBy: 2)
            skipped += 2
        }
        searchedHeadBytes = max(0, searchedHeadBytes - skipped)
        let from = max(0, searchedHeadBytes - 3)
        let limit = maxHeadBytes + 4
        guard let headLength = buffer.withUnsafeReadableBytes({ HTTPWire.endOfHead(in: $0, from: from, limit: limit) }) else {
            if buffer.readableBytes > maxHeadBytes { throw HTTPScanError(status: 431, reason: "the request head is larger than \(maxHeadBytes) bytes") }
            searchedHeadBytes = buffer.readableBytes
            return nil
        }
        searchedHeadBytes = 0
        guard headLength <= maxHeadBytes else { throw HTTPScanError(status: 431, reason: "the request head is larger than \(maxHeadBytes) bytes") }
        // Parsed where it was read: the head is not copied out of the receive buffer.
        let parsed: Result<ScannedRequestHead, HTTPScanError> = buffer.withUnsafeReadableBytes { raw in
            let head = UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[..<headLength])
            do throws(HTTPScanError) { return .success(try Self.parseHead(head[...])) } catch { return .failure(error) }
        }
        buffer.moveReaderIndex(forwardBy: headLength + 4)
        return try parsed.get()
    }

    private func readLine(_ buffer: inout ByteBuffer, limit: Int, what: String) throws(HTTPScanError) -> [UInt8]? {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: 10) else {
            if view.count > limit + 1 { throw .bad("the \(what) is too long") }
            return nil
        }
        let length = lf - view.startIndex
        guard length >= 1, view[lf - 1] == 13 else { throw .bad("a bare LF ends the \(what)") }
        guard length - 1 <= limit else { throw .bad("the \(what) is too long") }
        let line = buffer.readBytes(length: length + 1)!.dropLast(2)
        guard !line.contains(13) else { throw .bad("a bare CR in the \(what)") }
        return Array(line)
    }

    private static func chunkSize(_ line: [UInt8]) throws(HTTPScanError) -> Int {
        var size = 0
        var digits = 0
        for byte in line {
            guard let value = HTTPWire.hexValue(byte) else {
                guard byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") else {
                    throw .bad("a chunk size must be hexadecimal")
                }
                guard digits > 0 else { throw .bad("a chunk size needs hex digits") }
                return size  // chunk extensions are ignored
            }
            digits += 1
            guard digits <= 15 else { throw .bad("a chunk size is too large") }
            size = size * 16 + value
        }
        guard digits > 0 else { throw .bad("a chunk size needs hex digits") }
        return size
    }
}
