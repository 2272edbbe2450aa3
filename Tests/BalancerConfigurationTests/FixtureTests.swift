import BalancerConfiguration
import Foundation
import IAMTestSupport
import Testing

/// The configurations our users run today (../shared/fixtures/reference-deployment) load as they will run.
@Suite struct ReferenceDeploymentFixtureTests {
    static let haproxyFiles = ["acl-host", "acl-path", "basic", "persistence-l4-source", "persistence-l7-cookie", "ssl-offload"]

    @Test(arguments: haproxyFiles)
    func everyHAProxyFixtureLoads(_ name: String) throws {
        let path = SharedFixtures.path("fixtures/reference-deployment/haproxy/\(name).cfg")
        let configuration = try LoadBalancerConfiguration.load(path: path)
        #expect(configuration.dialect == .haproxy)
        #expect(configuration.frontends.count == 1)
        #expect(!configuration.backends.isEmpty)
        for frontend in configuration.frontends {
            guard case .rules(let rules) = frontend.sites[0].router else {
                Issue.record("an HAProxy frontend routes by rules")
                continue
            }
            #expect(rules.defaultBackend == "nginx")
        }
    }

    @Test func aclHostRoutesByHostHeaderPrefix() throws {
        let configuration = try LoadBalancerConfiguration.load(path: SharedFixtures.path("fixtures/reference-deployment/haproxy/acl-host.cfg"))
        let frontend = try #require(configuration.frontends.first)
        #expect(frontend.binds.map(\.address.port) == [80, 443])
        #expect(frontend.binds[1].tlsCertificates == ["/etc/ssl/certs/web.pem"])
        guard case .rules(let rules) = frontend.sites[0].router else { throw TemporaryFiles.Failure("not rules") }
        #expect(rules.backendSwitches.map(\.action) == ["test1", "test2"])
        #expect(rules.backendSwitches[0].location.line == 8)
        let matcher = try #require(rules.backendSwitches[0].condition?.alternatives.first?.first?.matchers.first)
        #expect(matcher.fetch == .header("host"))
        #expect(matcher.method == .beginning)
        #expect(matcher.patterns == ["www.test1.com"])
        // `redirect scheme https if !{ ssl_fc }`
        let redirect = try #require(rules.redirects.first)
        #expect(redirect.action.kind == .scheme("https"))
        let term = try #require(redirect.condition?.alternatives.first?.first)
        #expect(term.negated)
        #expect(term.matchers.first?.fetch == .tlsConnection)
        #expect(configuration.backends["test2"]?.servers.first?.address == "10.230.150.70:80")
        #expect(configuration.warnings.contains { $0.message.contains("cookie persistence") })
    }

    @Test func basicTakesDefaultsAndServerOptions() throws {
        let configuration = try LoadBalancerConfiguration.load(path: SharedFixtures.path("fixtures/reference-deployment/haproxy/basic.cfg"))
        let backend = try #require(configuration.backends["nginx"])
        #expect(backend.retries == 3)
        #expect(backend.redispatch)
        #expect(backend.closeAfterResponse)
        #expect(backend.connectTimeout == .seconds(10))
        #expect(backend.serverTimeout == .seconds(60))
        let web1 = backend.servers[0]
        #expect(web1.checks && web1.checkInterval == .seconds(3) && web1.rise == 1 && web1.fall == 2)
        #expect(backend.servers[1].rise == 2 && backend.servers[1].fall == 3)
        let frontend = try #require(configuration.frontends.first)
        #expect(frontend.limits.requestHeaderTimeout == .seconds(10))
        #expect(frontend.limits.keepAliveTimeout == .seconds(10))
        guard case .rules(let rules) = frontend.sites[0].router else { throw TemporaryFiles.Failure("not rules") }
        #expect(rules.forwardedFor?.except?.description == "127.0.0.0/8")
        #expect(frontend.accessLog?.destination == .syslog(address: "/dev/log", facility: "local0"))
        #expect(frontend.accessLog?.skipEmptyConnections == true)
        #expect(Set(configuration.ignored.map(\.name)) == ["chroot", "pidfile", "user", "group", "daemon"])
        #expect(configuration.maxConnections == 4000)
    }

    @Test func sourcePersistenceIsTCPWithSourceHash() throws {
        let configuration = try LoadBalancerConfiguration.load(path: SharedFixtures.path("fixtures/reference-deployment/haproxy/persistence-l4-source.cfg"))
        #expect(configuration.frontends[0].mode == .tcp)
        #expect(configuration.frontends[0].tcpBackend == "nginx")
        #expect(configuration.backends["nginx"]?.algorithm == .hash(.sourceAddress(ipv4Prefix24: false)))
    }

    @Test(arguments: ["node-10.0.4.20", "node-10.0.4.21"])
    func nginxNodesLoadWithTheirIncludes(_ node: String) throws {
        let path = SharedFixtures.path("fixtures/reference-deployment/nginx/\(node)/nginx.conf")
        let configuration = try LoadBalancerConfiguration.load(path: path)
        #expect(configuration.dialect == .nginx)
        let frontend = try #require(configuration.frontends.first)
        #expect(frontend.binds.first?.address == ListenAddress(host: nil, port: 80))
        let names = frontend.sites.compactMap { site -> String? in
            if case .exact(let name) = site.serverNames.first { return name }
            return nil
        }
        #expect(names.contains("iam.api.marmotedu.com") && names.contains("iam.authz.marmotedu.com"))
        let api = try #require(configuration.backends["iam.api.marmotedu.com"])
        #expect(api.servers.map(\.address).first == "127.0.0.1:8080")
        #expect(api.servers.allSatisfy { $0.maxFails == 1 && $0.failTimeout == .seconds(10) })
        #expect(configuration.ignored.contains { $0.name == "sendfile" })
        #expect(configuration.ignored.contains { $0.name.contains("mime.types") })
        // The location of conf.d/iam-apiserver.conf keeps its headers and 5m body limit.
        guard case .locations(let router) = frontend.sites[0].router else { throw TemporaryFiles.Failure("not locations") }
        let root = try #require(router.select(path: "/v1/users"))
        #expect(root.settings.maxBodyBytes == 5 * 1024 * 1024)
        #expect(root.settings.headerEdits.map(\.name) == ["X-Forwarded-Host", "X-Real-IP", "X-Forwarded-For"])
        #expect(root.settings.errorPages[502]?.uri == "/50x.html")
        guard case .proxy(let pass) = root.action else { throw TemporaryFiles.Failure("not a proxy location") }
        #expect(pass.backend == "iam.api.marmotedu.com" && pass.uri == "/")
    }

    @Test func node20WarnsAboutTheDuplicateServerNames() throws {
        let configuration = try LoadBalancerConfiguration.load(path: SharedFixtures.path("fixtures/reference-deployment/nginx/node-10.0.4.20/nginx.conf"))
        #expect(configuration.warnings.filter { $0.message.contains("conflicting server name") }.count == 2)
    }

    @Test func theMissingSemicolonsFileFailsAtTheFirstServerLine() throws {
        let path = SharedFixtures.path("fixtures/reference-deployment/invalid/nginx-upstream-missing-semicolons.conf")
        #expect {
            _ = try LoadBalancerConfiguration.load(path: path)
        } throws: { error in
            guard let error = error as? BalancerConfigurationError else { return false }
            return error.location?.line == 24 && error.location?.file == path && error.message.contains("not terminated by \";\"")
                && error.hint?.contains("line 25") == true
        }
    }
}
