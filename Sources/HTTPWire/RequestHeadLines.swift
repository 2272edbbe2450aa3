/// Bytes of a message head, still in the receive buffer.
public typealias HeadBytes = Slice<UnsafeBufferPointer<UInt8>>

/// The parts of a request line.
public struct RequestLine {
    public var method: HeadBytes
    public var target: HeadBytes
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
}

extension HTTPWire {
    /// The CRLF-terminated line starting at `start` and where the next one starts (nil after the last line of a head
    /// given without its final CRLF CRLF). A bare CR or LF is an error: parsers that accept one disagree about
    /// where lines end.
    public static func nextLine(_ bytes: HeadBytes, from start: Int) throws(HTTPScanError) -> (HeadBytes, Int?) {
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

    /// `METHOD SP TARGET SP HTTP/1.x`, with exactly one space between the parts; 505 for another HTTP version.
    public static func requestLine(_ line: HeadBytes) throws(HTTPScanError) -> RequestLine {
        guard let firstSpace = line.firstIndex(of: 0x20),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: 0x20) else {
            throw .bad("the request line must be METHOD TARGET HTTP/1.x")
        }
        let method = line[..<firstSpace]
        let target = line[(firstSpace + 1)..<secondSpace]
        let version = line[(secondSpace + 1)...]
        guard !method.isEmpty, method.allSatisfy(isTokenByte), !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }),
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
        return RequestLine(method: method, target: target, minorVersion: minor)
    }

    /// The name and the value (without surrounding whitespace) of a header line. Refused: obs-fold (a line starting
    /// with whitespace), a missing name, whitespace or other non-token bytes in the name (`Name : value` is how a
    /// header is hidden from one parser and shown to another), control characters in the value.
    public static func headerField(_ line: HeadBytes) throws(HTTPScanError) -> (name: HeadBytes, value: HeadBytes) {
        guard let first = line.first else { throw .bad("an empty header line") }
        guard first != 0x20, first != 0x09 else { throw .bad("obsolete line folding (a header line starting with whitespace)") }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { throw .bad("a header line without a name") }
        let name = line[..<colon]
        guard name.allSatisfy(isTokenByte) else { throw .bad("whitespace or an invalid character in a header name") }
        let value = trimmed(line[(colon + 1)...])
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else { throw .bad("a control character in a header value") }
        return (name, value)
    }

    /// A plain decimal number (no sign, no spaces, at most 15 digits), or nil.
    public static func decimal(_ bytes: HeadBytes) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 15 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// `value` without leading and trailing spaces and tabs.
    public static func trimmed(_ value: HeadBytes) -> HeadBytes {
        var slice = value
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
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
}
