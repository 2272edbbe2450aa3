/// An IPv4 or IPv6 address as the VRRP codec handles it: network-order bytes.
public enum VRRPAddress: Sendable, Hashable, CustomStringConvertible, Comparable {
    case v4(UInt32)
    case v6([UInt8])

    /// Parses dotted IPv4 (no leading zeros) or IPv6 text.
    public init?(_ text: String) {
        if let v4 = VRRPAddress.parseIPv4(text) {
            self = .v4(v4)
        } else if let v6 = VRRPAddress.parseIPv6(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    public init?(bytes: ArraySlice<UInt8>) {
        switch bytes.count {
        case 4: self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16: self = .v6(Array(bytes))
        default: return nil
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .v4(let value): [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
        case .v6(let bytes): bytes
        }
    }

    public var isIPv4: Bool { if case .v4 = self { true } else { false } }

    /// Multicast: 224.0.0.0/4 or ff00::/8.
    public var isMulticast: Bool {
        switch self {
        case .v4(let value): value >> 28 == 0xE
        case .v6(let bytes): bytes.first == 0xFF
        }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return [value >> 24, (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF].map(String.init).joined(separator: ".")
        case .v6(let bytes):
            let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            // The longest run of two or more zero groups becomes "::" (RFC 5952).
            var best = (start: -1, length: 0)
            var index = 0
            while index < 8 {
                if groups[index] == 0 {
                    let start = index
                    while index < 8, groups[index] == 0 { index += 1 }
                    if index - start > best.length, index - start >= 2 { best = (start, index - start) }
                } else {
                    index += 1
                }
            }
            let hex = groups.map { String($0, radix: 16) }
            if best.start < 0 { return hex.joined(separator: ":") }
            return hex[..<best.start].joined(separator: ":") + "::" + hex[(best.start + best.length)...].joined(separator: ":")
        }
    }

    /// Unsigned comparison of the address bytes (VRRP's tie-break between equal priorities).
    public static func < (lhs: VRRPAddress, rhs: VRRPAddress) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    static let vrrpMulticastIPv4 = VRRPAddress.v4(0xE000_0012)  // 224.0.0.18
    static let vrrpMulticastIPv6 = VRRPAddress("ff02::12")!

    private static func parseIPv4(_ text: String) -> UInt32? {
        let fields = text.split(separator: ".", omittingEmptySubsequences: false)
        guard fields.count == 4 else { return nil }
        var value: UInt32 = 0
        for field in fields {
            guard (1...3).contains(field.count), field.allSatisfy(\.isASCII), field.allSatisfy(\.isNumber),
                  field.count == 1 || field.first != "0", let number = UInt32(field), number <= 255
            else { return nil }
            value = value << 8 | number
        }
        return value
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        guard text.contains(":"), !text.contains("%") else { return nil }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, field) in fields.enumerated() {
                if index == fields.count - 1, field.contains("."), let v4 = parseIPv4(String(field)) {
                    result += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                } else {
                    guard (1...4).contains(field.count), let group = UInt16(field, radix: 16) else { return nil }
                    result.append(group)
                }
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
