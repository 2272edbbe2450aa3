#if canImport(Glibc)
import Glibc
#endif

/// Link events from the kernel (rtnetlink, group RTMGRP_LINK): tells the daemon at once when an interface goes
/// up or down, so tracked interfaces are re-read on the event instead of being polled.
final class LinkMonitor {
    let descriptor: Int32

    init() throws {
        descriptor = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0 /* NETLINK_ROUTE */)
        guard descriptor >= 0 else { throw SystemCallError("socket(AF_NETLINK) for link events") }
        // struct sockaddr_nl { u16 family; u16 pad; u32 pid; u32 groups = RTMGRP_LINK }
        let address = withUnsafeBytes(of: UInt16(AF_NETLINK).littleEndian, Array.init) + [0, 0, 0, 0, 0, 0]
            + withUnsafeBytes(of: UInt32(1).littleEndian, Array.init)
        let bound = address.withUnsafeBytes { bind(descriptor, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count)) }
        guard bound == 0 else {
            close(descriptor)
            throw SystemCallError("bind netlink RTMGRP_LINK")
        }
    }

    deinit { close(descriptor) }

    /// Reads every waiting message; true when one of them was a link change (RTM_NEWLINK or RTM_DELLINK), or when
    /// messages were lost (ENOBUFS), in which case every interface must be re-read anyway.
    func drain() -> Bool {
        var changed = false
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count < 0 {
                if errno == ENOBUFS { changed = true; continue }
                return changed
            }
            var offset = 0
            while offset + 16 <= count {
                let length = Int(AddressManager.uint32(buffer, at: offset))
                let kind = UInt16(buffer[offset + 4]) | UInt16(buffer[offset + 5]) << 8
                if kind == 16 || kind == 17 { changed = true }
                guard length >= 16 else { break }
                offset += (length + 3) & ~3
            }
        }
    }
}
