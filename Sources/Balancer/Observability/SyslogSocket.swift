#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket to a syslog receiver: a Unix socket path (`/dev/log`) or `HOST[:PORT]` over UDP. Sends
/// never block; a full receiver drops lines rather than stall a request.
final class SyslogSocket: Sendable {
    private let descriptor: Int32
    private let address: [UInt8]
    private let addressLength: socklen_t

    init(address text: String) throws {
        // The socket addresses are written as bytes (Linux layouts) rather than through the C structs' fields.
        let family = { (value: Int32) -> [UInt8] in [UInt8(value & 0xff), UInt8((value >> 8) & 0xff)] }
        if text.hasPrefix("/") {
            let path = Array(text.utf8)
            guard path.count < 108 else { throw AccessLogError(path: text, reason: "socket path too long") }
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            address = family(AF_UNIX) + path + Array(repeating: 0, count: 108 - path.count)
        } else {
            let parts = text.split(separator: ":")
            var octets: [UInt8] = [0, 0, 0, 0]
            guard inet_pton(AF_INET, String(parts[0]), &octets) == 1 else {
                throw AccessLogError(path: text, reason: "syslog address must be a Unix socket path or IPv4[:PORT]")
            }
            let port = UInt16(parts.count > 1 ? Int(parts[1]) ?? 514 : 514)
            descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            address = family(AF_INET) + [UInt8(port >> 8), UInt8(port & 0xff)] + octets + Array(repeating: 0, count: 8)
        }
        addressLength = socklen_t(address.count)
        guard descriptor >= 0 else { throw AccessLogError(path: text, reason: "cannot open a datagram socket") }
    }

    deinit { close(descriptor) }

    func send(_ line: Substring, facility: Int, severity: Int) {
        let message = "<\(facility * 8 + severity)>iam-lb: \(line)"
        var bytes = Array(message.utf8)
        address.withUnsafeBytes { raw in
            _ = sendto(descriptor, &bytes, bytes.count, Int32(MSG_DONTWAIT), raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), addressLength)
        }
    }

    static func facilityCode(_ name: String) -> Int {
        let names = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2"]
        if let index = names.firstIndex(of: name) { return index }
        if name.hasPrefix("local"), let digit = Int(name.dropFirst(5)), (0...7).contains(digit) { return 16 + digit }
        return 16
    }
}
