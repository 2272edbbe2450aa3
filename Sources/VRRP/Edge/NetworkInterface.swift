#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What the daemon needs to know about one interface: index, MAC, primary IPv4 address, carrier.
public struct NetworkInterface: Sendable, Equatable {
    public var name: String
    public var index: Int32
    public var mac: [UInt8]

    public init(name: String) throws {
        let index = if_nametoindex(name)
        guard index != 0 else { throw SystemCallError("interface \(name)") }
        self.name = name
        self.index = Int32(index)
        let text = (try? String(contentsOfFile: "/sys/class/net/\(name)/address", encoding: .utf8)) ?? ""
        mac = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").compactMap { UInt8($0, radix: 16) }
        if mac.count != 6 { mac = [0, 0, 0, 0, 0, 0] }
    }

    /// The interface's first IPv4 address that is not `excluding` (the virtual addresses).
    public func primaryIPv4(excluding: Set<VRRPAddress> = []) -> VRRPAddress? {
        addresses(family: AF_INET).first { !excluding.contains($0) }
    }

    /// The interface's IPv6 link-local address (fe80::/10): the source of VRRPv3 adverts over IPv6.
    public func linkLocalIPv6() -> VRRPAddress? {
        addresses(family: AF_INET6).first { $0.bytes[0] == 0xFE && $0.bytes[1] & 0xC0 == 0x80 }
    }

    /// The interface's addresses of one family, from getifaddrs(3).
    private func addresses(family: Int32) -> [VRRPAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var found: [VRRPAddress] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard String(cString: entry.pointee.ifa_name) == name, let socketAddress = entry.pointee.ifa_addr,
                  socketAddress.pointee.sa_family == sa_family_t(family) else { continue }
            // sockaddr_in: the address is bytes 4..<8; sockaddr_in6: bytes 8..<24 (network order in both).
            let (offset, length) = family == AF_INET ? (4, 4) : (8, 16)
            let bytes = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(socketAddress) + offset, count: length))
            if let address = VRRPAddress(bytes: bytes[...]) { found.append(address) }
        }
        return found
    }

    /// Carrier and administrative state: up when the interface is up and has a link.
    public var isUp: Bool {
        let operstate = (try? String(contentsOfFile: "/sys/class/net/\(name)/operstate", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return operstate == "up" || operstate == "unknown"
    }
}
