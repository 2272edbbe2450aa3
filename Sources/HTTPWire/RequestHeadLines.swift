#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// where lines end. Lines are found with `memchr` (an `Authorization` line is hundreds of bytes).
    public static func nextLine(_ bytes: HeadBytes, from start: Int) throws(HTTPScanError) -> (HeadBytes, Int?) {
        let end = bytes.endIndex
        guard start < end, let base = bytes.base.baseAddress else { return (bytes[start..<end], nil) }
        let carriageReturn = memchr(base + start, 13, end - start).map { $0.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base) }
        let lineEnd = carriageReturn ?? end
        if lineEnd > start, memchr(base + start, 10, lineEnd - start) != nil { throw .bad("a bare LF in the request head") }
        guard carriageReturn != nil else { return (bytes[start..<end], nil) }
        guard lineEnd + 1 < end, bytes[lineEnd + 1] == 10 else { throw .bad("a bare CR in the request head") }
        return (bytes[start..<lineEnd], lineEnd + 2)
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
        case _ where version.elementsEqual("HTTP/1.1".utf8): minor = 1
        case _ where version.elementsEqual("HTTP/1.0".utf8): minor = 0
        case _ where version.starts(with: "HTTP/".utf8) && version.count == 8:
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
        guard isFieldValue(value) else { throw .bad("a control character in a header value") }
        return (name, value)
    }

    /// Whether every byte is HTAB, or visible or space and not DEL (RFC 9110 field-value). Eight bytes at a time: a
    /// word with no byte below 0x20 and none equal to 0x7F passes at once (bit tricks whose false alarms only
    /// follow a true one); a word with either is looked at byte by byte, where a tab is allowed.
    static func isFieldValue(_ value: HeadBytes) -> Bool {
        var index = value.startIndex
        if let base = value.base.baseAddress {
            while index + 8 <= value.endIndex {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let belowSpace = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
                let delete = (word ^ 0x7F7F_7F7F_7F7F_7F7F)
                let isDelete = (delete &- 0x0101_0101_0101_0101) & ~delete & 0x8080_8080_8080_8080
                if belowSpace | isDelete != 0 { break }
                index += 8
            }
        }
        while index < value.endIndex {
            let byte = value[index]
            guard byte == 0x09 || (byte >= 0x20 && byte != 0x7F) else { return false }
            index += 1
        }
        return true
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

    /// RFC 9110 token characters (letters, digits and ``!#$%&'*+-.^_`|~``) as a bitmap in two constants: the
    /// check runs for every byte of every header name, and a global table would cost a lazy-initialization check
    /// on each lookup.
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        let word: UInt64 = switch byte >> 6 {
        case 0: 0x03FF_6CFA_0000_0000
        case 1: 0x57FF_FFFF_C7FF_FFFE
        default: 0
        }
        return (word >> (byte & 63)) & 1 == 1
    }
}
