import Foundation
import IAMTestSupport
import Testing

/// An `iam lb` process under test, on its configuration file.
final class LoadBalancerUnderTest: @unchecked Sendable {
    let process: BackgroundProcess
    let adminPort: Int

    init(config: String, files: TemporaryFiles, arguments: [String] = ["--event-loops", "1"], expectListening: Int = 1) throws {
        let path = try files.write("lb-\(UUID().uuidString.prefix(8)).cfg", config)
        adminPort = LoopbackPort.free()
        process = try BackgroundProcess(
            [try IAMExecutableTests.binary("iam").path, "lb", "-f", path, "--admin", "127.0.0.1:\(adminPort)"] + arguments,
            environment: ["PATH": "/usr/bin:/bin"]
        )
        guard process.awaitOutput(containing: "listening on http://127.0.0.1:\(adminPort)", seconds: 20) != nil else {
            throw TemporaryFiles.Failure("iam lb did not start:\n\(process.output)")
        }
    }

    /// HAProxy in front of one backend (`be`, server `b1`) on `port`; `global` and `defaults` lines go into those
    /// sections (`defaults` always has `mode http`).
    static func haproxyFront(of backendPort: Int, port: Int, files: TemporaryFiles, global: String = "", defaults: String = "") throws -> LoadBalancerUnderTest {
        try LoadBalancerUnderTest(config: """
            global
                \(global)
            defaults
                mode http
                \(defaults)
            frontend fe
                bind 127.0.0.1:\(port)
                default_backend be
            backend be
                server b1 127.0.0.1:\(backendPort)
            """, files: files)
    }

    /// nginx in front of one backend (`upstream app`, keepalive 8) on `port`; `serverLines` go into the server block.
    static func nginxFront(of backendPort: Int, port: Int, files: TemporaryFiles, serverLines: String = "") throws -> LoadBalancerUnderTest {
        try LoadBalancerUnderTest(config: """
            http {
                upstream app { server 127.0.0.1:\(backendPort); keepalive 8; }
                server {
                    listen 127.0.0.1:\(port);
                    \(serverLines)
                    location / { proxy_pass http://app; }
                }
            }
            """, files: files)
    }

    deinit {
        process.signal(SIGTERM)
        process.wait()
    }

    var output: String { process.output }

    func metrics() throws -> String { try Curl.get("http://127.0.0.1:\(adminPort)/metrics").body }

    /// The value of one sample line of /metrics (`name{labels}`), or nil.
    func metric(_ sample: String) throws -> Double? {
        for line in try metrics().split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.split(separator: " ").last!)
        }
        return nil
    }
}

/// curl, as a client would use it.
enum Curl {
    struct Response {
        var status: Int
        var headers: String
        var body: String
    }

    static func get(_ url: String, _ extra: [String] = []) throws -> Response {
        try run([url] + extra)
    }

    /// curl started in the background; its output is `status=CODE` once it finishes.
    static func background(_ url: String) throws -> BackgroundProcess {
        try BackgroundProcess(["/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "status=%{http_code}", "--max-time", "20", url],
                              environment: ["PATH": "/usr/bin:/bin"])
    }

    /// Runs curl with `arguments`; the status and headers come from `-D`.
    static func run(_ arguments: [String]) throws -> Response {
        let files = try TemporaryFiles()
        let headers = files.path("headers")
        let body = files.path("body")
        let result = try Spawn.run(
            ["/usr/bin/curl", "-s", "--max-time", "20", "-D", headers, "-o", body] + arguments,
            environment: ["PATH": "/usr/bin:/bin"]
        )
        let headerText = (try? String(contentsOfFile: headers, encoding: .utf8)) ?? ""
        let bodyText = (try? String(contentsOfFile: body, encoding: .utf8)) ?? ""
        // The last status line counts (after any 100 Continue).
        let status = headerText.split(separator: "\r\n").last { $0.hasPrefix("HTTP/") }.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        if result.status != 0 && status == 0 {
            return Response(status: 0, headers: "curl exit \(result.status): \(result.output)", body: bodyText)
        }
        return Response(status: status, headers: headerText, body: bodyText)
    }
}

extension String {
    /// `key=value` lines of the test backend's echo.
    func echoed(_ key: String) -> String? {
        split(separator: "\n").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }
}
