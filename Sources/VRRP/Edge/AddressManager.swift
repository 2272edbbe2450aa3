#if canImport(Glibc)
import Glibc
#endif

/// Adds and removes interface addresses over rtnetlink (what `ip addr add|del` does), without a shell.
public final class AddressManager: @unchecked Sendable {
    private let descriptor: Int32
    private var sequence: UInt32 = 0

    public init() throws {
        descriptor = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue), 0 /* NETLINK_ROUTE */)
        guard descriptor >= 0 else { throw SystemCallError("socket(AF_NETLINK)") }
        // struct sockaddr_nl { u16 family; u16 pad; u32 pid; u32 groups } (not in Swift's Glibc module)
        let address: [UInt8] = withUnsafeBytes(of: UInt16(AF_NETLINK).littleEndian, Array.init) + [UInt8](repeating: 0, count: 10)
        let bound = address.withUnsafeBytes { bind(descriptor, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count)) }
        guard bound == 0 else { throw SystemCallError("bind netlink") }
    }

    deinit { close(descriptor) }

    /// Adds `address` to the interface. An address already present is not an error.
    public func add(_ address: VirtualAddress, interfaceIndex: Int32) throws {
        try request(type: 20 /* RTM_NEWADDR */, flags: 0x400 | 0x200 /* NLM_F_CREATE | NLM_F_EXCL */, address, interfaceIndex,
                    ignoring: EEXIST)
    }

    /// Removes `address`. An address already gone is not an error.
    public func remove(_ address: VirtualAddress, interfaceIndex: Int32) throws {
        try request(type: 21 /* RTM_DELADDR */, flags: 0, address, interfaceIndex, ignoring: EADDRNOTAVAIL)
    }

    private func request(type: UInt16, flags: UInt16, _ address: VirtualAddress, _ index: Int32, ignoring: Int32) throws {
        sequence &+= 1
        let bytes = address.address.bytes
        var body: [UInt8] = [address.address.isIPv4 ? UInt8(AF_INET) : UInt8(AF_INET6), UInt8(address.prefixLength), 0,
                             address.scope == "host" ? 254 : address.scope == "link" ? 253 : 0]
        body += withUnsafeBytes(of: UInt32(bitPattern: index).littleEndian, Array.init)
        body += Self.attribute(2 /* IFA_LOCAL */, bytes)
        body += Self.attribute(1 /* IFA_ADDRESS */, bytes)
        if let label = address.label { body += Self.attribute(3 /* IFA_LABEL */, Array(label.utf8) + [0]) }
        if let broadcast = address.broadcast { body += Self.attribute(4 /* IFA_BROADCAST */, broadcast.bytes) }
        let length = UInt32(16 + body.count)
        var message = withUnsafeBytes(of: length.littleEndian, Array.init)
        message += withUnsafeBytes(of: type.littleEndian, Array.init)
        message += withUnsafeBytes(of: (flags | 0x1 | 0x4 /* NLM_F_REQUEST | NLM_F_ACK */).littleEndian, Array.init)
        message += withUnsafeBytes(of: sequence.littleEndian, Array.init)
        message += [0, 0, 0, 0]
        message += body
        let sent = message.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        guard sent == message.count else { throw SystemCallError("netlink send") }
        try awaitAcknowledgement(ignoring: ignoring, what: "\(type == 20 ? "add" : "remove") \(address.address)/\(address.prefixLength)")
    }

    private func awaitAcknowledgement(ignoring: Int32, what: String) throws {
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count >= 16 else { throw SystemCallError("netlink receive") }
            var offset = 0
            while offset + 16 <= count {
                let length = Int(Self.uint32(buffer, at: offset))
                let kind = UInt16(buffer[offset + 4]) | UInt16(buffer[offset + 5]) << 8
                let seq = Self.uint32(buffer, at: offset + 8)
                if kind == 2 /* NLMSG_ERROR */, seq == sequence {
                    let code = -Int32(bitPattern: Self.uint32(buffer, at: offset + 16))
                    if code == 0 || code == ignoring { return }
                    throw SystemCallError(what, code: code)
                }
                guard length >= 16 else { break }
                offset += (length + 3) & ~3
            }
        }
    }

    /// A host-order (little-endian) 32-bit field of a netlink message.
    static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    static func attribute(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt16(4 + payload.count)
        var bytes = withUnsafeBytes(of: length.littleEndian, Array.init) + withUnsafeBytes(of: type.littleEndian, Array.init) + payload
        while bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }
}
