import HTTPWire

/// Bytes of a request head, still in the receive buffer.
typealias HeadBytes = Slice<UnsafeBufferPointer<UInt8>>

extension HTTPRequestScanner {
    /// The request line and the headers authz reads, from the head's bytes (without the final CRLF CRLF).
    static func parseHead(_ bytes: HeadBytes) throws(HTTPScanError) -> ScannedRequestHead {
        guard !bytes.isEmpty else { throw .bad("empty request") }
        var (line, next) = try nextLine(bytes, from: bytes.startIndex)
        var head = try requestLine(line)
        var contentLength: Int?
        var chunked = false
        var connectionTokens: [String] = []
        while let start = next {
            (line, next) = try nextLine(bytes, from: start)
            guard let first = line.first else { throw .bad("an empty header line") }
            guard first != 0x20, first != 0x09 else { throw .bad("obsolete line folding (a header line starting with whitespace)") }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { throw .bad("a header line without a name") }
            let name = line[..<colon]
            guard name.allSatisfy(isTokenByte) else { throw .bad("whitespace or an invalid character in a header name") }
            let value = trimmed(line[(colon + 1)...])
            guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else { throw .bad("a control character in a header value") }
            // Names are compared by length first, then byte by byte ignoring case: most headers are skipped at once.
            switch name.count {
            case 14 where HTTPWire.equalsIgnoringCase(name, "content-length"):
                guard let length = decimal(value) else { throw .bad("Content-Length must be a decimal number") }
                if let earlier = contentLength, earlier != length { throw .bad("two different Content-Length headers") }
                contentLength = length
            case 17 where HTTPWire.equalsIgnoringCase(name, "transfer-encoding"):
                guard HTTPWire.equalsIgnoringCase(value, "chunked"), !chunked else {
                    throw HTTPScanError(status: 501, reason: "only Transfer-Encoding: chunked is supported")
                }
                chunked = true
            case 10 where HTTPWire.equalsIgnoringCase(name, "connection"):
                connectionTokens += lowercased(value[...]).split(separator: ",").map { String($0.trimmingWhitespace()) }
            case 13 where HTTPWire.equalsIgnoringCase(name, "authorization"):
                guard head.authorization == nil else { throw .bad("two Authorization headers") }
                head.authorization = String(decoding: value, as: UTF8.self)
            case 6 where HTTPWire.equalsIgnoringCase(name, "expect"):
                head.expectContinue = HTTPWire.equalsIgnoringCase(value, "100-continue")
            default:
                break
            }
        }
        if chunked, contentLength != nil { throw .bad("both Content-Length and Transfer-Encoding") }
        if chunked, head.minorVersion == 0 { throw .bad("Transfer-Encoding in an HTTP/1.0 request") }
        head.framing = chunked ? .chunked : contentLength.map { .length($0) } ?? .none
        head.keepAlive = head.minorVersion == 1 ? !connectionTokens.contains("close") : connectionTokens.contains("keep-alive")
        return head
    }

    /// The CRLF-terminated line starting at `start` and where the next one starts (nil after the last line); a bare
    /// CR or LF is an error.
    private static func nextLine(_ bytes: HeadBytes, from start: Int) throws(HTTPScanError) -> (HeadBytes, Int?) {
        var index = start
        while index < bytes.endIndex {
            switch bytes[index] {
            case 13:
                guard index + 1 < bytes.endIndex, bytes[index + 1] == 10 else { throw .bad("a bare CR in the request head") }
                return (bytes[start..<index], index + 2)
            case 10:
                throw .bad("a bare LF in the request head")
            default:
                index += 1
            }
        }
        return (bytes[start..<bytes.endIndex], nil)
    }

    private static func requestLine(_ line: HeadBytes) throws(HTTPScanError) -> ScannedRequestHead {
        // Exactly two single spaces: METHOD SP TARGET SP VERSION.
        guard let firstSpace = line.firstIndex(of: 0x20),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: 0x20) else {
            throw .bad("the request line must be METHOD TARGET HTTP/1.x")
        }
        let method = line[..<firstSpace]
        let target = line[(firstSpace + 1)..<secondSpace]
        let version = line[(secondSpace + 1)...]
        guard !method.isEmpty, method.allSatisfy(isTokenByte), !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
              !version.contains(0x20)
        else {
            throw .bad("the request line must be METHOD TARGET HTTP/1.x")
        }
        let minor: Int
        switch version {
        case _ where version.elementsEqual(http11): minor = 1
        case _ where version.elementsEqual(http10): minor = 0
        case _ where version.starts(with: httpPrefix) && version.count == 8:
            throw HTTPScanError(status: 505, reason: "only HTTP/1.0 and HTTP/1.1 are served")
        default:
            throw .bad("the request line must end with HTTP/1.0 or HTTP/1.1")
        }
        return ScannedRequestHead(method: String(decoding: method, as: UTF8.self), target: String(decoding: target, as: UTF8.self),
                                  minorVersion: minor, keepAlive: true, authorization: nil)
    }

    /// RFC 9110 token characters, as a table.
    private static let tokenBytes: [Bool] = (0...255).map { byte in
        let scalar = UInt8(byte)
        switch scalar {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(scalar)
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool { tokenBytes[Int(byte)] }

    private static let http11 = Array("HTTP/1.1".utf8)
    private static let http10 = Array("HTTP/1.0".utf8)
    private static let httpPrefix = Array("HTTP/".utf8)

    private static func trimmed(_ value: HeadBytes) -> HeadBytes {
        var slice = value
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }

    private static func lowercased(_ bytes: HeadBytes) -> String {
        String(decoding: bytes.map(HTTPWire.lowercased), as: UTF8.self)
    }

    private static func decimal(_ bytes: HeadBytes) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 15 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var slice = self
        while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
        while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
