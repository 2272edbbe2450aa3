import HTTPWire
import NIOCore

/// Parses one complete response head (status line, header lines, empty line) into an ``UpstreamResponseHead``.
enum UpstreamResponseHeadParser {
    /// Header names the proxy acts on, lowercased.
    private enum Known {
        case contentLength, transferEncoding, connection, hopByHop, other
    }

    static func parse(_ block: ByteBuffer, requestIsHEAD: Bool) throws(UpstreamResponseError) -> UpstreamResponseHead {
        // On the raw bytes: UnsafeRawBufferPointer's checked subscript was the parser's main cost.
        let result = block.withUnsafeReadableBytes { bytes -> Result<UpstreamResponseHead, UpstreamResponseError> in
            do throws(UpstreamResponseError) {
                return .success(try parse(bytes, block: block, requestIsHEAD: requestIsHEAD))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, block: ByteBuffer, requestIsHEAD: Bool) throws(UpstreamResponseError) -> UpstreamResponseHead {
        // "HTTP/1.x SSS reason\r\n"
        guard bytes.count >= 14, bytes.starts(with: "HTTP/1.".utf8) else { throw UpstreamResponseError(reason: "not an HTTP/1.x status line") }
        let minorByte = bytes[7]
        guard minorByte == UInt8(ascii: "0") || minorByte == UInt8(ascii: "1"), bytes[8] == UInt8(ascii: " ") else {
            throw UpstreamResponseError(reason: "unsupported HTTP version in the status line")
        }
        var status = 0
        for offset in 9..<12 {
            let digit = bytes[offset] &- UInt8(ascii: "0")
            guard digit < 10 else { throw UpstreamResponseError(reason: "malformed status code") }
            status = status * 10 + Int(digit)
        }
        guard status >= 100 else { throw UpstreamResponseError(reason: "malformed status code") }
        var index = 12
        let reasonStart: Int
        if bytes[index] == UInt8(ascii: " ") {
            reasonStart = index + 1
            index += 1
        } else {
            reasonStart = index
        }
        while bytes[index] != UInt8(ascii: "\r") {
            let byte = bytes[index]
            guard byte >= 0x20 || byte == 0x09, byte != 0x7F else { throw UpstreamResponseError(reason: "control character in the status line") }
            index += 1
        }
        guard bytes[index + 1] == UInt8(ascii: "\n") else { throw UpstreamResponseError(reason: "bare CR in the status line") }
        let reason = block.getSlice(at: block.readerIndex + reasonStart, length: index - reasonStart)!
        let linesStart = index + 2
        let linesEnd = bytes.endIndex - 2
        let headerLines = block.getSlice(at: block.readerIndex + linesStart, length: linesEnd - linesStart)!

        var head = UpstreamResponseHead(status: status, minorVersion: Int(minorByte - UInt8(ascii: "0")), reason: reason, headerLines: headerLines, serverKeepsAlive: minorByte == UInt8(ascii: "1"))
        var contentLength: Int?
        var transferCodings: [UInt8] = []
        var sawClose = false
        var sawKeepAlive = false
        var connectionOptions: [[UInt8]] = []

        var lineStart = linesStart
        while lineStart < linesEnd {
            let line = try nextLine(bytes, from: lineStart, end: linesEnd)
            let range = (lineStart - linesStart)..<(line.next - linesStart)
            switch known(bytes, line.name) {
            case .other:
                break
            case .hopByHop:
                head.droppedLines.append(range)
            case .connection:
                head.droppedLines.append(range)
                if HTTPWire.equalsIgnoringCase(bytes[line.value], "keep-alive") {
                    sawKeepAlive = true
                    break
                }
                for option in tokens(bytes, line.value) {
                    if option == Array("close".utf8) { sawClose = true } else if option == Array("keep-alive".utf8) { sawKeepAlive = true } else { connectionOptions.append(option) }
                }
            case .contentLength:
                if let value = digits(bytes, line.value) {
                    if let contentLength, contentLength != value { throw UpstreamResponseError(reason: "several different Content-Length values") }
                    contentLength = value
                    break
                }
                for token in tokens(bytes, line.value) {
                    guard !token.isEmpty, token.count <= 18, token.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else {
                        throw UpstreamResponseError(reason: "malformed Content-Length")
                    }
                    let value = token.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
                    if let contentLength, contentLength != value { throw UpstreamResponseError(reason: "several different Content-Length values") }
                    contentLength = value
                }
            case .transferEncoding:
                head.hasTransferEncoding = true
                head.transferEncodingLines.append(range)
                if !transferCodings.isEmpty { transferCodings.append(UInt8(ascii: ",")) }
                transferCodings.append(contentsOf: bytes[line.value].map(HTTPWire.lowercased))
            }
            lineStart = line.next
        }
        if !connectionOptions.isEmpty {
            try dropNamedLines(connectionOptions, bytes: bytes, linesStart: linesStart, linesEnd: linesEnd, into: &head.droppedLines)
            head.droppedLines.sort { $0.lowerBound < $1.lowerBound }
        }
        if sawClose { head.serverKeepsAlive = false } else if sawKeepAlive { head.serverKeepsAlive = true }

        if requestIsHEAD || status < 200 || status == 204 || status == 304 {
            head.framing = .none
        } else if head.hasTransferEncoding {
            if contentLength != nil { throw UpstreamResponseError(reason: "both Content-Length and Transfer-Encoding") }
            let last = transferCodings.split(separator: UInt8(ascii: ",")).last.map { trim(Array($0)) }
            head.framing = last == Array("chunked".utf8) ? .chunked : .untilClose
        } else if let contentLength {
            head.framing = .length(contentLength)
        } else {
            head.framing = .untilClose
        }
        return head
    }

    private struct Line {
        var name: Range<Int>
        var value: Range<Int>
        /// Where the next line starts (after this line's CRLF).
        var next: Int
    }

    private static func nextLine(_ bytes: UnsafeRawBufferPointer, from start: Int, end: Int) throws(UpstreamResponseError) -> Line {
        let first = bytes[start]
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { throw UpstreamResponseError(reason: "obsolete line folding in a header") }
        var index = start
        while index < end, bytes[index] != UInt8(ascii: ":") {
            let byte = bytes[index]
            guard byte > 0x20, byte < 0x7F else { throw UpstreamResponseError(reason: "invalid character in a header name") }
            index += 1
        }
        guard index < end, index > start else { throw UpstreamResponseError(reason: "header line without a name and colon") }
        let name = start..<index
        index += 1
        while index < end, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
        let valueStart = index
        while index < end, bytes[index] != UInt8(ascii: "\r") {
            let byte = bytes[index]
            guard byte >= 0x20 || byte == 0x09, byte != 0x7F else { throw UpstreamResponseError(reason: "control character in a header value") }
            index += 1
        }
        guard index + 1 <= end, bytes[index + 1] == UInt8(ascii: "\n") else { throw UpstreamResponseError(reason: "bare CR in a header") }
        var valueEnd = index
        while valueEnd > valueStart, bytes[valueEnd - 1] == UInt8(ascii: " ") || bytes[valueEnd - 1] == UInt8(ascii: "\t") { valueEnd -= 1 }
        return Line(name: name, value: valueStart..<valueEnd, next: index + 2)
    }

    private static func known(_ bytes: UnsafeRawBufferPointer, _ name: Range<Int>) -> Known {
        switch name.count {
        case 2: return HTTPWire.equalsIgnoringCase(bytes[name], "te") ? .hopByHop : .other
        case 7: return HTTPWire.equalsIgnoringCase(bytes[name], "trailer") || HTTPWire.equalsIgnoringCase(bytes[name], "upgrade") ? .hopByHop : .other
        case 10:
            if HTTPWire.equalsIgnoringCase(bytes[name], "connection") { return .connection }
            return HTTPWire.equalsIgnoringCase(bytes[name], "keep-alive") ? .hopByHop : .other
        case 14: return HTTPWire.equalsIgnoringCase(bytes[name], "content-length") ? .contentLength : .other
        case 16: return HTTPWire.equalsIgnoringCase(bytes[name], "proxy-connection") ? .hopByHop : .other
        case 17: return HTTPWire.equalsIgnoringCase(bytes[name], "transfer-encoding") ? .transferEncoding : .other
        case 18: return HTTPWire.equalsIgnoringCase(bytes[name], "proxy-authenticate") ? .hopByHop : .other
        default: return .other
        }
    }

    /// Also drops the headers a `Connection` header names (RFC 9110 §7.6.1).
    private static func dropNamedLines(_ names: [[UInt8]], bytes: UnsafeRawBufferPointer, linesStart: Int, linesEnd: Int, into dropped: inout [Range<Int>]) throws(UpstreamResponseError) {
        var lineStart = linesStart
        while lineStart < linesEnd {
            let line = try nextLine(bytes, from: lineStart, end: linesEnd)
            let name = bytes[line.name].map(HTTPWire.lowercased)
            let range = (lineStart - linesStart)..<(line.next - linesStart)
            if names.contains(name), !dropped.contains(range) { dropped.append(range) }
            lineStart = line.next
        }
    }

    /// The value when it is only decimal digits (the common case, read without allocating).
    private static func digits(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var value = 0
        for index in range {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// The comma-separated elements of a header value, trimmed and lowercased.
    private static func tokens(_ bytes: UnsafeRawBufferPointer, _ value: Range<Int>) -> [[UInt8]] {
        bytes[value].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { trim($0.map(HTTPWire.lowercased)) }
    }
}

private func trim(_ token: [UInt8]) -> [UInt8] {
    var slice = token[...]
    while let first = slice.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { slice.removeFirst() }
    while let last = slice.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { slice.removeLast() }
    return Array(slice)
}
