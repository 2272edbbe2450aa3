import Foundation
import IAMTestSupport
import Testing

/// The balancing algorithms not covered elsewhere, and nginx `error_page`, against live servers.
@Suite(.serialized) struct LoadBalancerAlgorithmTests {
    func backend(_ port: Int, _ path: String, _ extra: [String] = []) throws -> String {
        try #require(try Curl.get("http://127.0.0.1:\(port)\(path)", extra).body.echoed("backend"), "no answer for \(path)")
    }

    @Test func haproxyStaticRRFirstRandomURLParamHeaderAndSource() throws {
        let files = try TemporaryFiles()
        let a = try TestBackend.start("a", files)
        let b = try TestBackend.start("b", files)
        let port = LoopbackPort.free()
        let servers = "    server a 127.0.0.1:\(a.port) weight 2 maxconn 50\n    server b 127.0.0.1:\(b.port) weight 1 maxconn 50\n"
        let names = ["static-rr", "first", "random", "url_param user", "hdr(X-Client)", "source"]
        let backends = names.enumerated().map { index, balance in "backend be\(index)\n    balance \(balance)\n" + servers }
        let routes = names.indices.map { "    use_backend be\($0) if { path_beg /\($0)/ }" }
        let lb = try LoadBalancerUnderTest(config: """
            defaults
                mode http
                timeout connect 1s
                timeout server 5s
            frontend fe
                bind 127.0.0.1:\(port)
            \(routes.joined(separator: "\n"))
                default_backend be0
            \(backends.joined(separator: "\n"))
            """, files: files)
        defer { withExtendedLifetime(lb) {} }
        // static-rr with weights 2:1 — over six requests, a four times and b twice.
        let staticPicks = try (0..<6).map { try backend(port, "/0/\($0)") }
        #expect(staticPicks.filter { $0 == "a" }.count == 4 && staticPicks.filter { $0 == "b" }.count == 2, "\(staticPicks)")
        // first: the first server with room takes everything.
        #expect(try Set((0..<6).map { try backend(port, "/1/\($0)") }) == ["a"])
        // random: both servers over forty requests (all on one side would be a 2^-39 event even unweighted).
        #expect(try Set((0..<40).map { try backend(port, "/2/\($0)") }) == ["a", "b"])
        // url_param and hdr: one value always reaches one server, and thirty values use both.
        for (prefix, key) in [("/3/x?user=", nil), ("/4/x?n=", "X-Client")] as [(String, String?)] {
            var owner: [String: String] = [:]
            for round in 0..<2 {
                for value in 0..<30 {
                    let path = key == nil ? prefix + "u\(value)" : prefix + "\(round)"
                    let picked = try backend(port, path, key.map { ["-H", "\($0): tenant-\(value)"] } ?? [])
                    if let previous = owner["\(value)"] { #expect(previous == picked, "\(prefix) value \(value)") }
                    owner["\(value)"] = picked
                }
            }
            #expect(Set(owner.values) == ["a", "b"], "\(prefix): \(owner)")
        }
        // source: one client address, one server.
        #expect(try Set((0..<6).map { try backend(port, "/5/\($0)") }).count == 1)
    }

    @Test func nginxIPHashConsistentHashAndErrorPageFile() throws {
        let files = try TemporaryFiles()
        let a = try TestBackend.start("a", files)
        let b = try TestBackend.start("b", files)
        let dead = LoopbackPort.free()
        let port = LoopbackPort.free()
        let pages = files.path("html")
        try FileManager.default.createDirectory(atPath: pages, withIntermediateDirectories: true)
        try "<p>sorry, try again</p>\n".write(toFile: pages + "/50x.html", atomically: true, encoding: .utf8)
        let lb = try LoadBalancerUnderTest(config: """
            http {
                upstream by_ip { ip_hash; server 127.0.0.1:\(a.port); server 127.0.0.1:\(b.port); }
                upstream by_uri { hash $request_uri consistent; server 127.0.0.1:\(a.port); server 127.0.0.1:\(b.port); }
                upstream nobody { server 127.0.0.1:\(dead) max_fails=0; }
                server {
                    listen 127.0.0.1:\(port);
                    error_page 502 503 504 /50x.html;
                    location = /50x.html { root \(pages); }
                    location /ip/ { proxy_pass http://by_ip; }
                    location /uri/ { proxy_pass http://by_uri; }
                    location /down/ { proxy_pass http://nobody; proxy_connect_timeout 1s; }
                }
            }
            """, files: files)
        defer { withExtendedLifetime(lb) {} }
        // ip_hash: every request from this client reaches one server.
        #expect(try Set((0..<8).map { try backend(port, "/ip/\($0)") }).count == 1)
        // hash $request_uri consistent: stable per URI, spread over URIs.
        var owner: [String: String] = [:]
        for _ in 0..<2 {
            for index in 0..<30 {
                let picked = try backend(port, "/uri/doc\(index)")
                if let previous = owner["\(index)"] { #expect(previous == picked) }
                owner["\(index)"] = picked
            }
        }
        #expect(Set(owner.values) == ["a", "b"])
        // error_page: the upstream refuses the connection, the client gets 502 with the configured page.
        let failed = try Curl.get("http://127.0.0.1:\(port)/down/x")
        #expect(failed.status == 502, "\(failed.status) \(failed.body)")
        #expect(failed.body == "<p>sorry, try again</p>\n", "\(failed.body)")
    }
}
