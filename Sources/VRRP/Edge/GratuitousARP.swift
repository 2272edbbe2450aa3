#if canImport(Glibc)
import Glibc
#endif

/// Sends gratuitous ARP requests for IPv4 virtual addresses, in keepalived's form: broadcast ARP
/// request, sender and target IP = the VIP, target MAC = ff:ff:ff:ff:ff:ff.
public final class GratuitousARPSender: @unchecked Sendable {
    private let descriptor: Int32
    private let interface: NetworkInterface

    public init(interface: NetworkInterface) throws {
        self.interface = interface
        descriptor = socket(AF_PACKET, Int32(SOCK_RAW.rawValue), Int32(UInt16(0x0806).bigEndian))
        guard descriptor >= 0 else { throw SystemCallError("socket(AF_PACKET) — needs CAP_NET_RAW") }
    }

    deinit { close(descriptor) }

    /// The 42-byte Ethernet frame for `address`.
    public static func frame(for address: VRRPAddress, mac: [UInt8]) -> [UInt8] {
        let broadcast = [UInt8](repeating: 0xFF, count: 6)
        return broadcast + mac + [0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01]
            + mac + address.bytes + broadcast + address.bytes
    }

    public func send(for address: VRRPAddress) throws {
        guard address.isIPv4 else { return }
        let frame = Self.frame(for: address, mac: interface.mac)
        // struct sockaddr_ll { u16 family; be16 protocol; i32 ifindex; u16 hatype; u8 pkttype; u8 halen; u8 addr[8] }
        var target = withUnsafeBytes(of: UInt16(AF_PACKET).littleEndian, Array.init) + [0x08, 0x06]
        target += withUnsafeBytes(of: interface.index.littleEndian, Array.init)
        target += [0, 0, 0, 6] + [UInt8](repeating: 0xFF, count: 6) + [0, 0]
        let sent = frame.withUnsafeBytes { bytes in
            target.withUnsafeBytes { address in
                sendto(descriptor, bytes.baseAddress, bytes.count, 0, address.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(address.count))
            }
        }
        if sent < 0 { throw SystemCallError("gratuitous ARP for \(address)") }
    }
}
