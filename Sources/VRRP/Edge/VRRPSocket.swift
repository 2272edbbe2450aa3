#if canImport(Glibc)
import Glibc
#endif

/// A raw IPv4 socket for IP protocol 112 on one interface, sending with our own IP header (as keepalived
/// does, so the bytes match its packets) and receiving whole IPv4 packets.
public final class VRRPSocket: @unchecked Sendable {
    public let descriptor: Int32
    private let interface: NetworkInterface
    private var identification: UInt16 = 0

    /// Opens the socket; joins `multicastGroup` on the interface when given.
    public init(interface: NetworkInterface, multicastGroup: VRRPAddress?) throws {
        self.interface = interface
        descriptor = Glibc.socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(VRRPAdvertisement.ipProtocol))
        guard descriptor >= 0 else { throw SystemCallError("socket(AF_INET, SOCK_RAW, 112) — needs CAP_NET_RAW") }
        var on: Int32 = 1
        var off: Int32 = 0
        try check(setsockopt(descriptor, Int32(IPPROTO_IP), IP_HDRINCL, &on, socklen_t(MemoryLayout<Int32>.size)), "IP_HDRINCL")
        try interface.name.withCString { name in
            try check(setsockopt(descriptor, SOL_SOCKET, SO_BINDTODEVICE, name, socklen_t(strlen(name) + 1)), "SO_BINDTODEVICE \(interface.name)")
        }
        if let group = multicastGroup, case .v4(let address) = group {
            var request = ip_mreqn()
            request.imr_multiaddr.s_addr = address.bigEndian
            request.imr_ifindex = interface.index
            try check(setsockopt(descriptor, Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, &request, socklen_t(MemoryLayout<ip_mreqn>.size)), "join \(group)")
            try check(setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_LOOP, &off, socklen_t(MemoryLayout<Int32>.size)), "IP_MULTICAST_LOOP")
            // IP_MULTICAST_ALL (49): only groups joined on this socket.
            try check(setsockopt(descriptor, Int32(IPPROTO_IP), 49, &off, socklen_t(MemoryLayout<Int32>.size)), "IP_MULTICAST_ALL")
            var index = ip_mreqn()
            index.imr_ifindex = interface.index
            try check(setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_IF, &index, socklen_t(MemoryLayout<ip_mreqn>.size)), "IP_MULTICAST_IF")
        }
    }

    deinit { close(descriptor) }

    private func check(_ result: Int32, _ operation: String) throws {
        if result < 0 { throw SystemCallError(operation) }
    }

    /// Sends `message` (a VRRP message) in an IPv4 packet from `source` to `destination`.
    public func send(_ message: [UInt8], from source: VRRPAddress, to destination: VRRPAddress) throws {
        identification &+= 1
        let packet = IPv4Header.encode(source: source, destination: destination, identification: identification,
                                       payloadLength: message.count) + message
        guard case .v4(let address) = destination else { return }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_addr.s_addr = address.bigEndian
        let flags = destination.isMulticast ? Int32(MSG_DONTROUTE) : 0
        let sent = packet.withUnsafeBytes { bytes in
            withUnsafePointer(to: &target) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, bytes.baseAddress, bytes.count, flags, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        if sent < 0 { throw SystemCallError("send advert to \(destination)") }
    }

    /// Reads one packet (call when the descriptor is readable).
    public func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard count > 0 else { return nil }
        return Array(buffer[..<count])
    }
}
