import Foundation
import IAMTestSupport

/// A real HTTP/1.1 server on loopback for the load balancer's tests (Python's http.server, threaded, keep-alive):
/// echoes what it received and can be slow, broken or chunked on request.
final class TestBackend: @unchecked Sendable {
    static let script = #"""
import http.server, socketserver, sys, time, itertools
name, port = sys.argv[1], int(sys.argv[2])
connections = itertools.count(1)
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def setup(self):
        super().setup()
        self.connection_id = next(connections)
    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))
    def reply(self, status, body, extra=()):
        self.send_response(status)
        for k, v in extra: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)
    def handle_any(self):
        data = self.body()
        path = self.path
        if "/slow?ms=" in path:
            time.sleep(float(path.split("ms=")[1]) / 1000)
        if path.startswith("/bad"):
            self.wfile.write(b"NOT HTTP AT ALL\r\n\r\n"); self.wfile.flush(); self.close_connection = True; return
        if path.startswith("/close-delimited"):
            self.send_response(200); self.send_header("Connection", "close"); self.end_headers()
            self.wfile.write(b"streamed-until-close"); self.wfile.flush(); self.close_connection = True; return
        if path.startswith("/hop"):
            return self.reply(200, b"hop", [("Connection", "X-Hop"), ("X-Hop", "1"), ("Keep-Alive", "timeout=5"), ("X-Kept", "yes")])
        if path.startswith("/interim"):
            self.wfile.write(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n")
            return self.reply(200, b"final")
        if path.startswith("/bytes/"):
            return self.reply(200, b"x" * int(path.split("/")[2]))
        if path.startswith("/chunked"):
            self.send_response(200); self.send_header("Transfer-Encoding", "chunked"); self.end_headers()
            for piece in (b"first-", b"second-", b"third"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n"); return
        lines = [f"backend={name}", f"method={self.command}", f"path={path}", f"conn={self.connection_id}", f"body={len(data)}"]
        for header in ("Host", "X-Forwarded-For", "X-Real-IP", "X-Forwarded-Host", "X-Client", "Connection", "Expect", "X-Hop"):
            if header in self.headers: lines.append(f"{header.lower()}={', '.join(self.headers.get_all(header))}")
        self.reply(200, ("\n".join(lines) + "\n").encode(), [("X-Backend", name)])
    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any
    def log_message(self, *args): pass
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
Server(("127.0.0.1", port), Handler).serve_forever()
"""#

    let name: String
    let port: Int
    private let scriptPath: String
    private var process: BackgroundProcess?

    init(name: String, port: Int, scripts: TemporaryFiles) throws {
        self.name = name
        self.port = port
        self.scriptPath = try scripts.write("backend.py", Self.script)
        try start()
    }

    /// A backend on a free loopback port.
    static func start(_ name: String, _ files: TemporaryFiles) throws -> TestBackend {
        try TestBackend(name: name, port: LoopbackPort.free(), scripts: files)
    }

    func start() throws {
        process = try BackgroundProcess(["/usr/bin/python3", scriptPath, name, String(port)], environment: ["PATH": "/usr/bin:/bin"])
        guard LoopbackPort.waitUntilListening(port, seconds: 10) else { throw TemporaryFiles.Failure("backend \(name) did not start on \(port)") }
    }

    /// SIGKILL, as a crashed server.
    func kill() {
        process?.signal(SIGKILL)
        process?.wait()
        process = nil
    }
}

/// Free loopback ports and readiness.
enum LoopbackPort {
    static func free() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func waitUntilListening(_ port: Int, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if RawHTTP.canConnect(port) { return true }
            usleep(50_000)
        }
        return false
    }
}

/// Plain sockets for requests curl will not send (smuggling attempts, partial heads).
enum RawHTTP {
    static func canConnect(_ port: Int) -> Bool {
        let descriptor = connectTo(port)
        if descriptor >= 0 { close(descriptor) }
        return descriptor >= 0
    }

    static func connectTo(_ port: Int) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            close(descriptor)
            return -1
        }
        return descriptor
    }

    /// Reads from `descriptor` until what arrived contains `marker`, or `failedReads` reads returned nothing (each
    /// waits for the socket's receive timeout).
    static func read(_ descriptor: Int32, until marker: String, failedReads: Int = 1) -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var failures = 0
        while failures < failedReads, !String(decoding: received, as: UTF8.self).contains(marker) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 { received += buffer[0..<count] } else { failures += 1 }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Sends `request`, then reads until the server closes or `seconds` pass.
    static func exchange(_ port: Int, _ request: String, seconds: Int = 5) -> String {
        let descriptor = connectTo(port)
        guard descriptor >= 0 else { return "" }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
