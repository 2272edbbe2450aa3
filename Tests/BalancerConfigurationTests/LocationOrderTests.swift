import BalancerConfiguration
import IAMTestSupport
import Testing

/// nginx's location choice: exact, then the longest prefix unless a regex matches, `^~` skipping regexes.
@Suite struct LocationOrderTests {
    static let text = """
        http {
            upstream a { server 127.0.0.1:1; }
            server {
                listen 8080;
                location / { return 200 "root"; }
                location /images/ { return 200 "images"; }
                location ^~ /static/ { return 200 "static"; }
                location ~* \\.(png|jpg)$ { return 200 "regex"; }
                location = /exact { return 200 "exact"; }
                location /api { proxy_pass http://a/v2; }
            }
        }
        """

    func router() throws -> LocationRouter {
        let files = try TemporaryFiles()
        let configuration = try LoadBalancerConfiguration.load(path: try files.write("n.conf", Self.text))
        guard case .locations(let router) = configuration.frontends[0].sites[0].router else { throw TemporaryFiles.Failure("no locations") }
        return router
    }

    func text(_ router: LocationRouter, _ path: String) -> String? {
        guard let location = router.select(path: path) else { return nil }
        switch location.action {
        case .respond(_, let text?): return text.source
        case .proxy: return "proxy"
        default: return "other"
        }
    }

    @Test func selectionOrder() throws {
        let router = try router()
        #expect(text(router, "/exact") == "exact")
        #expect(text(router, "/exact/more") == "root")
        #expect(text(router, "/images/a.PNG") == "regex")
        #expect(text(router, "/images/a.txt") == "images")
        #expect(text(router, "/static/a.png") == "static")
        #expect(text(router, "/apix") == "proxy")
        #expect(text(router, "/") == "root")
    }

    @Test func durationsAndSizes() throws {
        let files = try TemporaryFiles()
        let configuration = try LoadBalancerConfiguration.load(path: try files.write("h.cfg", """
            defaults
                timeout connect 1500
                timeout server 2m
            backend be
                server a 127.0.0.1:1 check inter 250ms fastinter 1s downinter 1h
            """))
        let backend = try #require(configuration.backends["be"])
        #expect(backend.connectTimeout == .milliseconds(1500))
        #expect(backend.serverTimeout == .seconds(120))
        #expect(backend.servers[0].checkInterval == .milliseconds(250))
        #expect(backend.servers[0].checkDownInterval == .seconds(3600))
    }
}
