#if canImport(Glibc)
import Glibc
#endif

/// Sends unsolicited neighbour advertisements for IPv6 virtual addresses (what gratuitous ARP is for IPv4):
/// ICMPv6 type 136 to all nodes (ff02::1), hop limit 255, Override set, with the interface's MAC as target
/// link-layer address. The kernel fills in the ICMPv6 checksum on a raw ICMPv6 socket.
public final class NeighborAdvertisementSender: @unchecked Sendable {
    private let descriptor: Int32
    private let interface: NetworkInterface
    private static let allNodes = VRRPAddress("ff02::1")!

    public init(interface: NetworkInterface) throws {
        self.interface = interface
        descriptor = socket(AF_INET6, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMPV6))
        guard descriptor >= 0 else { throw SystemCallError("socket(AF_INET6, SOCK_RAW, ICMPv6) — needs CAP_NET_RAW") }
        try interface.name.withCString { name in
            guard setsockopt(descriptor, SOL_SOCKET, SO_BINDTODEVICE, name, socklen_t(strlen(name) + 1)) == 0 else {
                throw SystemCallError("SO_BINDTODEVICE \(interface.name)")
            }
        }
        var hops: Int32 = 255
        guard setsockopt(descriptor, VRRPSocket6.solIPv6, VRRPSocket6.multicastHops, &hops, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SystemCallError("IPV6_MULTICAST_HOPS")
        }
        var index = interface.index
        guard setsockopt(descriptor, VRRPSocket6.solIPv6, VRRPSocket6.multicastInterface, &index, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SystemCallError("IPV6_MULTICAST_IF")
        }
    }

    deinit { close(descriptor) }

    /// The ICMPv6 message for `address` (checksum left 0 for the kernel).
    public static func message(for address: VRRPAddress, mac: [UInt8]) -> [UInt8] {
        // type, code, checksum; flags R=0 S=0 O=1 + reserved; target; option 2 (target link-layer address), 1 × 8 bytes.
        [136, 0, 0, 0, 0x20, 0, 0, 0] + address.bytes + [2, 1] + mac
    }

    public func send(for address: VRRPAddress) throws {
        guard !address.isIPv4 else { return }
        let message = Self.message(for: address, mac: interface.mac)
        let target = VRRPSocket6.socketAddress(Self.allNodes, scope: interface.index)
        let sent = message.withUnsafeBytes { bytes in
            target.withUnsafeBytes { destination in
                sendto(descriptor, bytes.baseAddress, bytes.count, 0, destination.baseAddress!.assumingMemoryBound(to: sockaddr.self),
                       socklen_t(destination.count))
            }
        }
        if sent < 0 { throw SystemCallError("unsolicited neighbour advertisement for \(address)") }
    }
}
