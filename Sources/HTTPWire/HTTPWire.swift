/// Byte-level pieces of HTTP/1.x shared by the readers that work on raw bytes instead of a general-purpose
/// parser: the request readers of the authz listener and of the load balancer's client side, and the load
/// balancer's response reader.
public enum HTTPWire {
    /// The offset of the first CRLF CRLF (the end of a message head) at or after `from`, within the first `limit`
    /// bytes. Looks at every fourth byte while it is neither CR nor LF, since such a byte cannot be part of a match.
    public static func endOfHead(in bytes: UnsafeRawBufferPointer, from: Int, limit: Int) -> Int? {
        var index = from
        let end = min(bytes.count, limit)
        while index + 3 < end {
            let fourth = bytes[index + 3]
            if fourth != 10 {
                index += fourth == 13 ? 1 : 4
                continue
            }
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13 { return index }
            index += 1
        }
        return nil
    }

    /// Whether `bytes` spell `lowercase` in any ASCII case (header names, tokens), without making a lowered copy.
    @inlinable
    public static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { lowercased($0) == $1 }
        }
    }

    /// `byte` with ASCII A–Z lowered.
    @inlinable
    public static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// The value of a hexadecimal digit (chunk sizes), or nil.
    @inlinable
    public static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
