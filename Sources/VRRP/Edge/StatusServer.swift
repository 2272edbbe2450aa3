#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.0 listener for the daemon's own poll loop: `GET /` (JSON state per instance) and
/// `GET /metrics` (Prometheus). One short request per connection; anything else is answered 404/400.
final class StatusServer {
    let descriptor: Int32

    /// Listens on `host:port` (IPv4).
    init(address: String) throws {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]), let host = VRRPAddress(String(parts[0])), case .v4(let ip) = host else {
            throw SystemCallError("--status wants IPv4:PORT, found \(address)", code: EINVAL)
        }
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SystemCallError("status socket") }
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var bindAddress = sockaddr_in()
        bindAddress.sin_family = sa_family_t(AF_INET)
        bindAddress.sin_port = port.bigEndian
        bindAddress.sin_addr.s_addr = ip.bigEndian
        let bound = withUnsafePointer(to: &bindAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw SystemCallError("listen on \(address)") }
        _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
    }

    deinit { close(descriptor) }

    /// Accepts waiting connections and answers each with `respond(path)`.
    func serve(_ respond: (String) -> (status: String, contentType: String, body: [UInt8])) {
        while true {
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { return }
            defer { close(client) }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { continue }
            let requestLine = String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\r\n").first ?? ""
            let words = requestLine.split(separator: " ")
            let (status, contentType, body): (String, String, [UInt8])
            if words.count >= 2, words[0] == "GET" {
                (status, contentType, body) = respond(String(words[1]))
            } else {
                (status, contentType, body) = ("400 Bad Request", "text/plain", Array("only GET is served\n".utf8))
            }
            let head = "HTTP/1.0 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            let response = Array(head.utf8) + body
            _ = response.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }
}
