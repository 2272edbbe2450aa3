#if canImport(Glibc)
import Glibc
#endif

/// A raw IPv6 socket for VRRPv3 (next header 112) on one interface. The kernel writes the IPv6 header (hop limit
/// 255, source = the address the socket is bound to: the interface's link-local address or `unicast_src_ip`);
/// the VRRP checksum, with the IPv6 pseudo-header, is ours. Received messages come with the hop limit and the
/// destination from ancillary data, which the validator and the checksum need.
public final class VRRPSocket6: @unchecked Sendable {
    public let descriptor: Int32
    private let interface: NetworkInterface

    // <netinet/in.h> / <linux/in6.h> values, as plain numbers (not all are imported into Swift).
    static let solIPv6: Int32 = 41
    static let unicastHops: Int32 = 16, multicastInterface: Int32 = 17, multicastHops: Int32 = 18, multicastLoop: Int32 = 19
    static let joinGroup: Int32 = 20, receivePacketInfo: Int32 = 49, packetInfo: Int32 = 50, receiveHopLimit: Int32 = 51
    static let hopLimit: Int32 = 52

    /// Opens the socket bound to `source` on `interface`; joins `multicastGroup` there when given.
    public init(interface: NetworkInterface, source: VRRPAddress, multicastGroup: VRRPAddress?) throws {
        self.interface = interface
        descriptor = Glibc.socket(AF_INET6, Int32(SOCK_RAW.rawValue), Int32(VRRPAdvertisement.ipProtocol))
        guard descriptor >= 0 else { throw SystemCallError("socket(AF_INET6, SOCK_RAW, 112) — needs CAP_NET_RAW") }
        try interface.name.withCString { name in
            try check(setsockopt(descriptor, SOL_SOCKET, SO_BINDTODEVICE, name, socklen_t(strlen(name) + 1)), "SO_BINDTODEVICE \(interface.name)")
        }
        try option(Self.unicastHops, 255, "IPV6_UNICAST_HOPS")
        try option(Self.multicastHops, 255, "IPV6_MULTICAST_HOPS")
        try option(Self.multicastLoop, 0, "IPV6_MULTICAST_LOOP")
        try option(Self.multicastInterface, interface.index, "IPV6_MULTICAST_IF")
        try option(Self.receivePacketInfo, 1, "IPV6_RECVPKTINFO")
        try option(Self.receiveHopLimit, 1, "IPV6_RECVHOPLIMIT")
        let local = Self.socketAddress(source, scope: interface.index)
        let bound = local.withUnsafeBytes { bind(descriptor, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count)) }
        try check(bound, "bind to \(source) on \(interface.name)")
        if let group = multicastGroup {
            // struct ipv6_mreq { struct in6_addr; unsigned int ifindex }
            let request = group.bytes + withUnsafeBytes(of: UInt32(bitPattern: interface.index).littleEndian, Array.init)
            let joined = request.withUnsafeBytes { setsockopt(descriptor, Self.solIPv6, Self.joinGroup, $0.baseAddress, socklen_t($0.count)) }
            try check(joined, "join \(group) on \(interface.name)")
        }
    }

    deinit { close(descriptor) }

    private func check(_ result: Int32, _ operation: String) throws {
        if result < 0 { throw SystemCallError(operation) }
    }

    private func option(_ name: Int32, _ value: Int32, _ label: String) throws {
        var value = value
        try check(setsockopt(descriptor, Self.solIPv6, name, &value, socklen_t(MemoryLayout<Int32>.size)), label)
    }

    /// `struct sockaddr_in6` as bytes: family, port 0, flow info 0, address, scope (the interface, for link-local
    /// and link-scope multicast addresses).
    static func socketAddress(_ address: VRRPAddress, scope: Int32) -> [UInt8] {
        withUnsafeBytes(of: UInt16(AF_INET6).littleEndian, Array.init) + [0, 0, 0, 0, 0, 0] + address.bytes
            + withUnsafeBytes(of: UInt32(bitPattern: scope).littleEndian, Array.init)
    }

    /// Sends `message` (a VRRPv3 message with its checksum) to `destination`.
    public func send(_ message: [UInt8], to destination: VRRPAddress) throws {
        let target = Self.socketAddress(destination, scope: interface.index)
        let sent = message.withUnsafeBytes { bytes in
            target.withUnsafeBytes { address in
                sendto(descriptor, bytes.baseAddress, bytes.count, 0, address.baseAddress!.assumingMemoryBound(to: sockaddr.self),
                       socklen_t(address.count))
            }
        }
        if sent < 0 { throw SystemCallError("send advert to \(destination)") }
    }

    /// One received message with what the IPv6 layer said about it (call when the descriptor is readable).
    public func receive() -> (message: [UInt8], source: VRRPAddress, destination: VRRPAddress, hopLimit: UInt8)? {
        var buffer = [UInt8](repeating: 0, count: 2048)
        var name = [UInt8](repeating: 0, count: 28)
        var control = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { data in
            name.withUnsafeMutableBytes { nameBytes in
                control.withUnsafeMutableBytes { controlBytes in
                    var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
                    return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                        var header = msghdr()
                        header.msg_name = nameBytes.baseAddress
                        header.msg_namelen = socklen_t(nameBytes.count)
                        header.msg_iov = vectorPointer
                        header.msg_iovlen = 1
                        header.msg_control = controlBytes.baseAddress
                        header.msg_controllen = controlBytes.count
                        let received = recvmsg(descriptor, &header, Int32(MSG_DONTWAIT))
                        return (received, header.msg_controllen)
                    }
                }
            }
        }
        guard count.0 > 0, let source = VRRPAddress(bytes: name[8..<24]) else { return nil }
        var destination: VRRPAddress?
        var hopLimit: UInt8 = 0
        // struct cmsghdr { size_t len; int level; int type; } followed by the data, each aligned to 8 bytes.
        var offset = 0
        while offset + 16 <= count.1 {
            let length = Int(control[offset..<(offset + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            let level = Int32(control[offset + 8]) | Int32(control[offset + 9]) << 8
            let type = Int32(control[offset + 12]) | Int32(control[offset + 13]) << 8
            guard length >= 16, offset + length <= control.count else { break }
            if level == Self.solIPv6, type == Self.packetInfo, length >= 16 + 20 {
                destination = VRRPAddress(bytes: control[(offset + 16)..<(offset + 32)])
            } else if level == Self.solIPv6, type == Self.hopLimit, length >= 16 + 4 {
                hopLimit = UInt8(truncatingIfNeeded: control[offset + 16])
            }
            offset += (length + 7) & ~7
        }
        guard let destination else { return nil }
        return (Array(buffer[..<count.0]), source, destination, hopLimit)
    }
}
