import Foundation
import IAMTestSupport
import Testing

/// `iam lb --check` on the reference deployment, as an operator would run it.
@Suite struct LoadBalancerCheckTests {
    static let valid = [
        "haproxy/acl-host.cfg", "haproxy/acl-path.cfg", "haproxy/basic.cfg", "haproxy/persistence-l4-source.cfg",
        "haproxy/persistence-l7-cookie.cfg", "haproxy/ssl-offload.cfg", "nginx/node-10.0.4.20/nginx.conf", "nginx/node-10.0.4.21/nginx.conf",
    ]

    @Test(arguments: valid)
    func fixturePassesCheck(_ file: String) throws {
        let path = SharedFixtures.path("fixtures/reference-deployment/\(file)")
        let run = try IAMExecutableTests.iam(["lb", "--check", "-f", path])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("\(path): configuration is valid"))
    }

    @Test func ignoredDirectivesAreListed() throws {
        let run = try IAMExecutableTests.iam(["lb", "--check", "-f", SharedFixtures.path("fixtures/reference-deployment/nginx/node-10.0.4.20/nginx.conf")])
        #expect(run.output.contains("nginx.conf:9: sendfile: "))
        #expect(run.output.contains("nginx.conf:13: types_hash_max_size: "))
    }

    @Test func invalidNginxFileFailsNamingTheLine() throws {
        let path = SharedFixtures.path("fixtures/reference-deployment/invalid/nginx-upstream-missing-semicolons.conf")
        let run = try IAMExecutableTests.iam(["lb", "--check", "-f", path])
        #expect(run.status == 1)
        #expect(run.error.contains("\(path):24: directive \"server\" is not terminated by \";\""))
    }

    @Test func aListenerThatCannotStartIsAClearError() throws {
        let files = try TemporaryFiles()
        let path = try files.write("tls.cfg", "frontend fe\n    bind 127.0.0.1:0 ssl crt /nonexistent.pem\n    default_backend be\nbackend be\n    server a 127.0.0.1:1\n")
        let run = try IAMExecutableTests.iam(["lb", "-f", path, "--admin", "none"])
        #expect(run.status == 1)
        #expect(run.error.contains("tls.cfg:2: TLS termination"))
    }
}
