public import NIOCore

/// Reads one request body out of a byte stream by its framing: a fixed length, or chunks (whose sizes, extensions
/// and trailers are consumed, so only the data comes out). Body pieces are slices of the buffer they were read
/// into, never copies.
public struct RequestBodyReader: Sendable {
    public enum Event: Equatable, Sendable {
        case data(ByteBuffer)
        /// The body is complete; the bytes after it belong to the next request.
        case end
    }

    private enum State: Equatable, Sendable {
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case finished
    }

    /// The longest chunk-size line (extensions included) and trailer line accepted.
    public static let maxLineBytes = 4096

    private var state: State

    public init(_ framing: RequestFraming) {
        switch framing {
        case .none: state = .fixed(remaining: 0)
        case .length(let length): state = .fixed(remaining: length)
        case .chunked: state = .chunkSize
        }
    }

    /// The next piece of the body from the front of `buffer` (consumed), or nil when more bytes are needed. After
    /// `.end` the reader yields nothing more.
    public mutating func next(_ buffer: inout ByteBuffer) throws(HTTPScanError) -> Event? {
        while true {
            switch state {
            case .finished:
                return nil
            case .fixed(let remaining):
                if remaining == 0 {
                    state = .finished
                    return .end
                }
                guard buffer.readableBytes > 0 else { return nil }
                let slice = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
                // After the last piece `.end` follows on the next call, without waiting for bytes.
                state = .fixed(remaining: remaining - slice.readableBytes)
                return .data(slice)
            case .chunkSize:
                guard let line = try readLine(&buffer, limit: Self.maxLineBytes, what: "chunk size line") else { return nil }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                guard buffer.readableBytes > 0 else { return nil }
                let slice = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
                state = slice.readableBytes == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - slice.readableBytes)
                return .data(slice)
            case .chunkDataEnd:
                guard let line = try readLine(&buffer, limit: 2, what: "chunk end") else { return nil }
                guard line.isEmpty else { throw .bad("chunk data is longer than its size") }
                state = .chunkSize
            case .trailers:
                // Trailer fields are read and dropped: nothing downstream asks for them.
                guard let line = try readLine(&buffer, limit: Self.maxLineBytes, what: "trailer") else { return nil }
                if line.isEmpty {
                    state = .finished
                    return .end
                }
            }
        }
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
        let size = line.withUnsafeBytes { bytes in Result { () throws(HTTPWire.ChunkSizeError) in try HTTPWire.chunkSize(bytes) } }
        switch size {
        case .success(let size): return size
        case .failure(let error): throw .bad(error.description)
        }
    }
}
