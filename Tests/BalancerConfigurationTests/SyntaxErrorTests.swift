import BalancerConfiguration
import IAMTestSupport
import Testing

/// Every mistake stops with FILE:LINE, what is wrong, and a hint where one helps.
@Suite struct SyntaxErrorTests {
    func load(_ text: String, _ dialect: ConfigurationDialect? = nil) throws -> LoadBalancerConfiguration {
        let files = try TemporaryFiles()
        let path = try files.write("lb.conf", text)
        return try LoadBalancerConfiguration.load(path: path, dialect: dialect)
    }

    func failure(_ text: String, _ dialect: ConfigurationDialect? = nil) -> BalancerConfigurationError? {
        do {
            _ = try load(text, dialect)
            return nil
        } catch {
            return error as? BalancerConfigurationError
        }
    }

    @Test func unknownHAProxyKeywordNamesLineAndSuggests() throws {
        let error = try #require(failure("frontend fe\n    bind :8080\n    defualt_backend be\nbackend be\n    server a 127.0.0.1:1\n"))
        #expect(error.location?.line == 3)
        #expect(error.message.contains("unknown keyword 'defualt_backend'"))
        #expect(error.hint == "did you mean \"default_backend\"?")
    }

    @Test func undeclaredBackendIsRefused() throws {
        let error = try #require(failure("frontend fe\n    bind :8080\n    default_backend nope\nbackend be\n    server a 127.0.0.1:1\n"))
        #expect(error.location?.line == 3)
        #expect(error.message.contains("backend 'nope' is not declared"))
    }

    @Test func unknownACLAndBadServerAddress() throws {
        let acl = try #require(failure("frontend fe\n    bind :8080\n    use_backend be if is_api\nbackend be\n    server a 127.0.0.1:1\n"))
        #expect(acl.location?.line == 3 && acl.message.contains("unknown ACL 'is_api'"))
        let server = try #require(failure("backend be\n    server a 127.0.0.1\n"))
        #expect(server.location?.line == 2 && server.message.contains("is not HOST:PORT"))
        let option = try #require(failure("backend be\n    server a 127.0.0.1:80 chekc\n"))
        #expect(option.hint == "did you mean \"check\"?")
    }

    @Test func modeMismatchAndTCPRules() throws {
        let mismatch = try #require(failure("frontend fe\n    mode tcp\n    bind :8080\n    default_backend be\nbackend be\n    mode http\n    server a 127.0.0.1:1\n"))
        #expect(mismatch.message.contains("mode tcp but backend 'be' is in mode http"))
    }

    @Test func nginxUnknownDirectiveAndUnclosedBlock() throws {
        let unknown = try #require(failure("http {\n    server {\n        listen 8080;\n        proxy_pas http://a;\n    }\n}\n", .nginx))
        #expect(unknown.location?.line == 4)
        #expect(unknown.hint == "did you mean \"proxy_pass\"?")
        let unclosed = try #require(failure("http {\n    server {\n        listen 8080;\n", .nginx))
        #expect(unclosed.message.contains("not closed"))
        #expect(unclosed.location?.line == 2)
        let unknownVariable = try #require(failure("http {\n  server {\n    location / {\n      proxy_set_header X $remote_adr;\n      proxy_pass http://127.0.0.1:1;\n    }\n  }\n}\n"))
        #expect(unknownVariable.location?.line == 4 && unknownVariable.hint == "did you mean \"remote_addr\"?")
    }

    @Test func missingSemicolonBeforeClosingBrace() throws {
        let error = try #require(failure("http {\n    upstream u {\n        server 127.0.0.1:1\n    }\n}\n", .nginx))
        #expect(error.location?.line == 3)
        #expect(error.message == "directive \"server\" is not terminated by \";\"")
    }

    @Test func dialectIsDetected() throws {
        #expect(try load("global\n    daemon\nfrontend fe\n    bind :1\n").dialect == .haproxy)
        #expect(try load("# comment\nhttp {\n}\n").dialect == .nginx)
        let error = try #require(failure("hello world\n"))
        #expect(error.hint?.contains("--dialect") == true)
    }

    @Test func nginxIncludeRelativeToTheConfigAndMissingFile() throws {
        let files = try TemporaryFiles()
        _ = try files.write("extra.conf", "upstream u { server 127.0.0.1:9; }\n")
        let main = try files.write("nginx.conf", "http {\n    include extra.conf;\n    server { listen 8080; location / { proxy_pass http://u; } }\n}\n")
        let configuration = try LoadBalancerConfiguration.load(path: main)
        #expect(configuration.backends["u"]?.servers.first?.port == 9)
        let broken = try files.write("broken.conf", "http {\n    include nothere.conf;\n}\n")
        #expect(throws: BalancerConfigurationError.self) { try LoadBalancerConfiguration.load(path: broken) }
    }
}
