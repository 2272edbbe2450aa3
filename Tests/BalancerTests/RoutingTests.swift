import Balancer
import Foundation
import BalancerConfiguration
import IAMTestSupport
import NIOHTTP1
import Testing

@Suite struct RoutingTests {
    func configuration(_ text: String) throws -> LoadBalancerConfiguration {
        let files = try TemporaryFiles()
        return try LoadBalancerConfiguration.load(path: try files.write("lb.conf", text))
    }

    func request(_ uri: String, host: String? = nil, method: HTTPMethod = .GET, from client: String = "192.0.2.7", headers: [(String, String)] = []) -> RequestContext {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        if let host { head.headers.add(name: "Host", value: host) }
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        return RequestContext(head: head, clientAddress: client, clientPort: 40000, isTLS: false, localPort: 80)
    }

    func route(_ router: FrontendRouter, _ request: RequestContext) -> (RouteDecision, RequestContext) {
        var request = request
        let decision = router.route(&request)
        return (decision, request)
    }

    static let haproxy = """
        frontend main
            bind :80
            acl is_api path_beg /api
            acl host_test hdr_beg(host) -i www.test1.com
            acl local src 10.0.0.0/8
            acl admin_dir path_dir admin
            http-request deny if admin_dir !local
            http-request set-header X-Client %[src]
            http-request del-header X-Secret
            redirect prefix https://moved.example code 301 if { path_beg /old }
            use_backend api if is_api or host_test
            default_backend web
        backend api
            server a 127.0.0.1:1
        backend web
            server b 127.0.0.1:2
        """

    @Test func haproxyRulesInOrder() throws {
        let config = try configuration(Self.haproxy)
        let router = FrontendRouter(frontend: config.frontends[0], backends: config.backends)
        guard case .proxy(let api) = route(router, request("/api/v1")).0 else { Issue.record("not proxied"); return }
        #expect(api.backend == "api")
        guard case .proxy(let byHost) = route(router, request("/", host: "WWW.TEST1.COM:8080")).0 else { Issue.record("not proxied"); return }
        #expect(byHost.backend == "api")
        let (webDecision, rewritten) = route(router, request("/index", headers: [("X-Secret", "s")]))
        guard case .proxy(let web) = webDecision else { Issue.record("not proxied"); return }
        #expect(web.backend == "web")
        #expect(rewritten.header("x-client") == "192.0.2.7")
        #expect(rewritten.header("x-secret") == nil)
        guard case .respond(let denied) = route(router, request("/x/admin/y")).0 else { Issue.record("not denied"); return }
        #expect(denied.status == 403)
        guard case .proxy = route(router, request("/x/admin/y", from: "10.1.2.3")).0 else { Issue.record("local admin denied"); return }
        guard case .respond(let moved) = route(router, request("/old/page?q=1")).0 else { Issue.record("not redirected"); return }
        #expect(moved.status == 301)
        #expect(moved.headers.first { $0.0 == "location" }?.1 == "https://moved.example/old/page?q=1")
    }

    @Test func redirectSchemeUnlessTLS() throws {
        let config = try LoadBalancerConfiguration.load(path: SharedFixtures.path("fixtures/reference-deployment/haproxy/ssl-offload.cfg"))
        let router = FrontendRouter(frontend: config.frontends[0], backends: config.backends)
        guard case .respond(let redirect) = route(router, request("/a?b=1", host: "shop.example")).0 else { Issue.record("plain HTTP is redirected"); return }
        #expect(redirect.status == 302)
        #expect(redirect.headers.first { $0.0 == "location" }?.1 == "https://shop.example/a?b=1")
        var tls = request("/a", host: "shop.example")
        tls = RequestContext(head: tls.head, clientAddress: tls.clientAddress, clientPort: 1, isTLS: true, localPort: 443)
        guard case .proxy(let plan) = route(router, tls).0 else { Issue.record("TLS requests are proxied"); return }
        #expect(plan.backend == "nginx")
    }

    static let nginx = """
        http {
            upstream api { server 127.0.0.1:1; }
            server {
                listen 80;
                server_name api.example.com;
                location / {
                    proxy_set_header X-Real-IP $remote_addr;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Host $http_host;
                    proxy_pass http://api/;
                }
                location /v2/ { proxy_pass http://api/internal/; }
                location /keep { proxy_pass http://api; }
            }
            server {
                listen 80;
                server_name *.example.com;
                return 301 https://$host$request_uri;
            }
            server {
                listen 80 default_server;
                return 404;
            }
        }
        """

    @Test func nginxSitesAndURIReplacement() throws {
        let config = try configuration(Self.nginx)
        let router = FrontendRouter(frontend: config.frontends[0], backends: config.backends)
        let (decision, context) = route(router, request("/v1/users?limit=2", host: "api.example.com", headers: [("X-Forwarded-For", "203.0.113.9")]))
        guard case .proxy(let plan) = decision else { Issue.record("not proxied"); return }
        #expect(plan.uri == "/v1/users?limit=2")
        #expect(plan.hostHeader == "api")
        let upstream = MessageRewriting.upstreamRequest(context, plan: plan, closeAfterResponse: false, removeExpect: false)
        #expect(upstream.headers["X-Real-IP"] == ["192.0.2.7"])
        #expect(upstream.headers["X-Forwarded-For"] == ["203.0.113.9, 192.0.2.7"])
        #expect(upstream.headers["X-Forwarded-Host"] == ["api.example.com"])
        #expect(upstream.headers["Host"] == ["api"])
        guard case .proxy(let replaced) = route(router, request("/v2/a/b?x=1", host: "api.example.com")).0 else { Issue.record("not proxied"); return }
        #expect(replaced.uri == "/internal/a/b?x=1")
        guard case .proxy(let kept) = route(router, request("/keep/x", host: "api.example.com")).0 else { Issue.record("not proxied"); return }
        #expect(kept.uri == "/keep/x")
        guard case .respond(let wildcard) = route(router, request("/p?q", host: "www.example.com")).0 else { Issue.record("not redirected"); return }
        #expect(wildcard.status == 301)
        #expect(wildcard.headers.first { $0.0 == "location" }?.1 == "https://www.example.com/p?q")
        guard case .respond(let fallback) = route(router, request("/", host: "other.test")).0 else { Issue.record("default server answers"); return }
        #expect(fallback.status == 404)
    }
}

@Suite struct MessageRewritingTests {
    func head(_ headers: [(String, String)], version: HTTPVersion = .http1_1) -> HTTPRequestHead {
        HTTPRequestHead(version: version, method: .POST, uri: "/", headers: HTTPHeaders(headers))
    }

    @Test func hopByHopHeadersAreDropped() {
        let request = RequestContext(
            head: head([("Connection", "close, X-Hop"), ("X-Hop", "1"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"), ("Upgrade", "h2c"), ("X-Kept", "yes"), ("Expect", "100-continue")]),
            clientAddress: "127.0.0.1", clientPort: 1, isTLS: false, localPort: 80
        )
        var plan = ProxyPlan(backend: "b", uri: "/x")
        plan.forwardedFor = ForwardedForOption(except: IPNetwork("127.0.0.0/8"))
        let upstream = MessageRewriting.upstreamRequest(request, plan: plan, closeAfterResponse: true, removeExpect: true)
        let names = upstream.headers.map { $0.name }.sorted()
        #expect(names == ["X-Kept", "connection"])
        #expect(upstream.headers["connection"] == ["close"])
        #expect(upstream.uri == "/x")
    }
}
