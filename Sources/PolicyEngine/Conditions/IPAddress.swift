/// An IP address parsed as Go's `net.ParseIP` does: dotted IPv4 without leading zeros, or IPv6
/// (with `::` and an embedded IPv4 tail), never a zone. Stored in 16-byte form.
struct IPAddress: Sendable, Equatable {
    var bytes: [UInt8]
    /// True when the text was an IPv4 address (Go's `netip.Addr.Is4`).
    var isIPv4Literal: Bool

    init?(_ text: Substring.UTF8View) {
        let bytes = Array(text)
        if let v4 = IPAddress.parseIPv4(bytes[...]) {
            self.bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + v4
            isIPv4Literal = true
        } else if let v6 = IPAddress.parseIPv6(bytes) {
            self.bytes = v6
            isIPv4Literal = false
        } else {
            return nil
        }
    }

    init?(_ text: String) { self.init(text[...].utf8) }

    /// The 4-byte form when the address is IPv4 or IPv4-mapped IPv6 (Go's `IP.To4`), else the 16 bytes.
    var comparableBytes: ArraySlice<UInt8> {
        bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF ? bytes[12...] : bytes[...]
    }

    static func parseIPv4(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var result: [UInt8] = []
        var value = 0
        var digits = 0
        var leadingZero = false
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, result.count < 3 else { return nil }
                result.append(UInt8(value))
                value = 0
                digits = 0
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            if digits == 1 && leadingZero { return nil }
            if digits == 0 { leadingZero = byte == UInt8(ascii: "0") }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            guard value <= 255 else { return nil }
        }
        guard digits > 0, result.count == 3 else { return nil }
        result.append(UInt8(value))
        return result
    }

    static func parseIPv6(_ text: [UInt8]) -> [UInt8]? {
        guard text.count >= 2, !text.contains(UInt8(ascii: "%")) else { return nil }
        var groups: [UInt16] = []
        var ellipsis: Int?
        var index = 0
        if text.starts(with: [UInt8(ascii: ":"), UInt8(ascii: ":")]) {
            ellipsis = 0
            index = 2
            if index == text.count { return [UInt8](repeating: 0, count: 16) }
        }
        while index < text.count {
            var end = index
            while end < text.count, text[end] != UInt8(ascii: ":") { end += 1 }
            let field = text[index..<end]
            if field.contains(UInt8(ascii: ".")) {
                guard end == text.count, groups.count <= 6, let v4 = parseIPv4(field) else { return nil }
                groups.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                groups.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                index = end
                break
            }
            guard (1...4).contains(field.count), let value = UInt16(String(decoding: field, as: UTF8.self), radix: 16) else {
                return nil
            }
            groups.append(value)
            guard groups.count <= 8 else { return nil }
            index = end
            if index == text.count { break }
            index += 1  // the ':'
            if index < text.count, text[index] == UInt8(ascii: ":") {
                guard ellipsis == nil else { return nil }
                ellipsis = groups.count
                index += 1
                if index == text.count { break }
            } else if index == text.count {
                return nil  // trailing single ':'
            }
        }
        if let ellipsis {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: ellipsis)
        }
        guard groups.count == 8 else { return nil }
        return groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}

/// A network parsed as Go's `net.ParseCIDR` does (host bits may be set: `192.168.0.1/16` is
/// `192.168.0.0/16`), answering `Contains` as `net.IPNet` does.
struct IPNetwork: Sendable, Equatable {
    var network: [UInt8]
    var prefixLength: Int

    init?(_ text: String) {
        guard let slash = text.utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        guard let address = IPAddress(text[..<slash].utf8) else { return nil }
        let lengthText = text.utf8[text.utf8.index(after: slash)...]
        guard !lengthText.isEmpty, lengthText.count <= 8,
              lengthText.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let length = Int(String(decoding: lengthText, as: UTF8.self))
        else { return nil }
        let base = address.isIPv4Literal ? Array(address.bytes[12...]) : address.bytes
        guard length <= base.count * 8 else { return nil }
        network = IPNetwork.mask(base, length)
        prefixLength = length
    }

    func contains(_ address: IPAddress) -> Bool {
        let candidate = Array(address.comparableBytes)
        guard candidate.count == network.count else { return false }
        return IPNetwork.mask(candidate, prefixLength) == network
    }

    private static func mask(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = max(0, min(8, length - index * 8))
            return bits == 8 ? byte : byte & ~(0xFF >> UInt8(bits))
        }
    }
}
