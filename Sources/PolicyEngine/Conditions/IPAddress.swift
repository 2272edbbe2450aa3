/// An IP address parsed as Go's `net.ParseIP` does: dotted IPv4 without leading zeros, or IPv6
/// (with `::` and an embedded IPv4 tail), never a zone. Held in 16-byte form as two integers, so that
/// parsing one per condition check allocates nothing.
struct IPAddress: Sendable, Equatable {
    /// Bytes 0–7 and 8–15, big-endian.
    var high: UInt64
    var low: UInt64
    /// True when the text was an IPv4 address (Go's `netip.Addr.Is4`).
    var isIPv4Literal: Bool

    private static let mappedPrefix: UInt64 = 0x0000_FFFF_0000_0000

    init?(_ text: UnsafeBufferPointer<UInt8>) {
        if let v4 = IPAddress.parseIPv4(text) {
            self.init(high: 0, low: IPAddress.mappedPrefix | UInt64(v4), isIPv4Literal: true)
        } else if let (high, low) = IPAddress.parseIPv6(text) {
            self.init(high: high, low: low, isIPv4Literal: false)
        } else {
            return nil
        }
    }

    init?(_ text: String) {
        var text = text
        guard let address = text.withUTF8({ IPAddress($0) }) else { return nil }
        self = address
    }

    private init(high: UInt64, low: UInt64, isIPv4Literal: Bool) {
        self.high = high
        self.low = low
        self.isIPv4Literal = isIPv4Literal
    }

    /// The IPv4 address when this is IPv4 or IPv4-mapped IPv6 (Go's `IP.To4`).
    var ipv4: UInt32? {
        high == 0 && low >> 32 == 0xFFFF ? UInt32(truncatingIfNeeded: low) : nil
    }

    /// Dotted decimal: four fields of 1–3 digits, each at most 255, no leading zeros.
    static func parseIPv4(_ text: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> UInt32? {
        var result: UInt32 = 0
        var fields = 0
        var value: UInt32 = 0
        var digits = 0
        var index = start
        while index <= text.count {
            let byte = index < text.count ? text[index] : UInt8(ascii: ".")
            index += 1
            if byte == UInt8(ascii: ".") {
                guard digits > 0, fields < 4 else { return nil }
                result = result << 8 | value
                fields += 1
                value = 0
                digits = 0
                if index > text.count { break }
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            if digits == 1 && value == 0 { return nil }  // leading zero
            value = value * 10 + UInt32(byte - UInt8(ascii: "0"))
            digits += 1
            guard value <= 255 else { return nil }
        }
        return fields == 4 ? result : nil
    }

    static func parseIPv6(_ text: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        guard text.count >= 2 else { return nil }
        var groups = (UInt64(0), UInt64(0))  // packed 16-bit groups, filled from the left
        var count = 0
        var ellipsis = -1
        var index = 0
        func append(_ group: UInt16) {
            if count < 4 {
                groups.0 |= UInt64(group) << UInt64(48 - 16 * count)
            } else {
                groups.1 |= UInt64(group) << UInt64(48 - 16 * (count - 4))
            }
            count += 1
        }
        if text[0] == UInt8(ascii: ":") {
            guard text[1] == UInt8(ascii: ":") else { return nil }
            ellipsis = 0
            index = 2
        }
        while index < text.count {
            var end = index
            var value: UInt32 = 0
            var sawDot = false
            while end < text.count, text[end] != UInt8(ascii: ":") {
                let byte = text[end]
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value << 4 | UInt32(byte - UInt8(ascii: "A") + 10)
                case UInt8(ascii: "."): sawDot = true
                default: return nil  // includes '%': zones are refused
                }
                end += 1
            }
            if sawDot {
                guard end == text.count, count <= 6,
                      let v4 = parseIPv4(UnsafeBufferPointer(rebasing: text[index..<end]))
                else { return nil }
                append(UInt16(v4 >> 16))
                append(UInt16(v4 & 0xFFFF))
                index = end
                break
            }
            guard (1...4).contains(end - index), count < 8 else { return nil }
            append(UInt16(value))
            index = end
            if index == text.count { break }
            index += 1  // the ':'
            if index < text.count, text[index] == UInt8(ascii: ":") {
                guard ellipsis < 0 else { return nil }
                ellipsis = count
                index += 1
            } else if index == text.count {
                return nil  // a trailing single ':'
            }
        }
        if ellipsis >= 0 {
            guard count < 8 else { return nil }
            // Shift the groups after the ellipsis to the right end.
            let combined = (UInt128(groups.0) << 64) | UInt128(groups.1)
            let tailGroups = count - ellipsis
            let head = (combined >> UInt128(16 * (8 - ellipsis))) << UInt128(16 * (8 - ellipsis))
            let tail = (combined << UInt128(16 * ellipsis)) >> UInt128(16 * (8 - tailGroups))
            let result = head | tail
            return (UInt64(truncatingIfNeeded: result >> 64), UInt64(truncatingIfNeeded: result))
        }
        return count == 8 ? groups : nil
    }
}

/// A network parsed as Go's `net.ParseCIDR` does (host bits may be set: `192.168.0.1/16` is
/// `192.168.0.0/16`), answering `Contains` as `net.IPNet` does: an IPv4 network holds IPv4 and
/// IPv4-mapped addresses only; an IPv6 network holds only addresses that are not IPv4.
struct IPNetwork: Sendable, Equatable {
    private var isIPv4: Bool
    private var network: UInt128
    private var mask: UInt128

    init?(_ text: String) {
        var text = text
        guard let network = text.withUTF8({ IPNetwork($0) }) else { return nil }
        self = network
    }

    init?(_ text: UnsafeBufferPointer<UInt8>) {
        guard let slash = text.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        guard let address = IPAddress(UnsafeBufferPointer(rebasing: text[..<slash])) else { return nil }
        let lengthText = text[(slash + 1)...]
        guard !lengthText.isEmpty, lengthText.count <= 8,
              lengthText.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        let length = lengthText.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        isIPv4 = address.isIPv4Literal
        let bits = isIPv4 ? 32 : 128
        guard length <= bits else { return nil }
        let full: UInt128 = isIPv4 ? 0xFFFF_FFFF : ~0
        mask = length == 0 ? 0 : (full << UInt128(bits - length)) & full
        let value = isIPv4 ? UInt128(address.ipv4!) : UInt128(address.high) << 64 | UInt128(address.low)
        network = value & mask
    }

    func contains(_ address: IPAddress) -> Bool {
        if let v4 = address.ipv4 {
            return isIPv4 && UInt128(v4) & mask == network
        }
        return !isIPv4 && (UInt128(address.high) << 64 | UInt128(address.low)) & mask == network
    }
}
