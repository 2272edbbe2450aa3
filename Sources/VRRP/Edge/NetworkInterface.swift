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
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard String(cString: entry.pointee.ifa_name) == name, let socketAddress = entry.pointee.ifa_addr,
                  socketAddress.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            let address = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) }
            let candidate = VRRPAddress.v4(address)
            if !excluding.contains(candidate) { return candidate }
        }
        return nil
    }

    /// Carrier and administrative state: up when the interface is up and has a link.
    public var isUp: Bool {
        let operstate = (try? String(contentsOfFile: "/sys/class/net/\(name)/operstate", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return operstate == "up" || operstate == "unknown"
    }
}
