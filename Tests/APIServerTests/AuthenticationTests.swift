import APIServer
import Crypto
import Foundation
import HTTPTypes
import IAMStore
import IAMTokens
import PolicyEngine
import Testing

@Suite struct AuthenticationTests {
    @Test(arguments: TestEngine.available)
    func credentialsAreCheckedAsTheReferenceDocuments(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine) { api, _ in
            #expect(try await api.call(.get, "/v1/users").code == 100204)
            #expect(try await api.call(.get, "/v1/nowhere").code == 100204, "authentication comes before routing")
            #expect(try await api.call(.get, "/v1/users", .header("Bearer")).code == 100204)
            #expect(try await api.call(.get, "/v1/users", .header("Token abc")).code == 100202)
            #expect(try await api.call(.get, "/v1/users", .bearer("not.a.jwt")).code == 100202)
            #expect(try await api.call(.get, "/v1/users", .basic("admin", "wrong")).code == 100202)
            let basic = try await api.call(.get, "/v1/users", .basic("admin", TestServers.adminPassword))
            #expect(basic.status == 200)
            let unauthorized = try await api.call(.get, "/v1/users")
            #expect(unauthorized.headers[.wwwAuthenticate] == "JWT realm=iam jwt")

            let key = SymmetricKey(data: Array(TestServers.configuration().jwtKey.utf8))
            let now = Date().timeIntervalSince1970
            let expired = JSONWebToken.sign(claims: [("identity", "admin"), ("exp", .number(now - 10)), ("orig_iat", .number(now - 100))], key: key)
            #expect(try await api.call(.get, "/v1/users", .bearer(expired)).code == 100203)
            let noExp = JSONWebToken.sign(claims: [("identity", "admin")], key: key)
            #expect(try await api.call(.get, "/v1/users", .bearer(noExp)).code == 100202)
            let hs512 = JSONWebToken.sign(claims: [("identity", "admin"), ("exp", .number(now + 60))], algorithm: .hs512, key: key)
            #expect(try await api.call(.get, "/v1/users", .bearer(hs512)).code == 100202, "login tokens are HS256 only")
            let forged = JSONWebToken.sign(claims: [("identity", "admin"), ("exp", .number(now + 60))],
                                           key: SymmetricKey(data: Array("another-key".utf8)))
            #expect(try await api.call(.get, "/v1/users", .bearer(forged)).code == 100202)

            // An expired token inside jwt.max-refresh is refreshed; the new one works.
            let refreshed = try await api.call(.post, "/refresh", .bearer(expired))
            #expect(refreshed.status == 200, "\(refreshed.text)")
            let token = try #require(refreshed.string("token"))
            #expect(try await api.call(.get, "/v1/users", .bearer(token)).status == 200)
            let stale = JSONWebToken.sign(claims: [("identity", "admin"), ("exp", .number(now - 10)), ("orig_iat", .number(now - 7200))], key: key)
            #expect(try await api.call(.post, "/refresh", .bearer(stale)).code == 100203)
            let viaQuery = try await api.call(.post, "/refresh?token=\(token)")
            #expect(viaQuery.status == 200)
        }
    }

    @Test(arguments: TestEngine.available)
    func loginLogoutAndRequestIDs(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine) { api, _ in
            let login = try await api.call(.post, "/login", .basic("admin", TestServers.adminPassword))
            #expect(login.status == 200 && login.string("token") != nil && login.string("expire")?.hasSuffix("Z") == true)
            // gin-jwt's claims: iss, aud, identity, sub, exp = orig_iat + jwt.timeout; HS256, no kid.
            let token = try JSONWebToken(parsing: try #require(login.string("token")))
            #expect(token.header["alg"] == "HS256" && token.keyID == nil)
            #expect(token.stringClaim("iss") == "iam-apiserver" && token.stringClaim("aud") == "iam.api.marmotedu.com")
            #expect(token.stringClaim("identity") == "admin" && token.stringClaim("sub") == "admin")
            let issued = try #require(try token.numericClaim("orig_iat"))
            #expect(try token.numericClaim("exp") == issued + Double(TestServers.configuration().jwtTimeoutSeconds))
            #expect(login.headers[.setCookie]?.hasPrefix("jwt=") == true)
            let wrong = try await api.call(.post, "/login", body: #"{"username":"admin","password":"Nope@2021"}"#)
            #expect(wrong.status == 401 && wrong.code == 100206)
            let unknown = try await api.call(.post, "/login", body: #"{"username":"ghost","password":"Nope@2021"}"#)
            #expect(unknown.status == 401 && unknown.code == 100206, "unknown users look like wrong passwords")
            #expect(try await api.call(.post, "/login", body: #"{"username":1}"#).code == 100003)
            let logout = try await api.call(.post, "/logout")
            #expect(logout.text == "null" && logout.headers[.setCookie]?.contains("Max-Age=0") == true)

            let echoed = try await api.call(.get, "/healthz", headers: [HTTPField.Name("X-Request-ID")!: "trace-42"])
            #expect(echoed.headers[HTTPField.Name("X-Request-ID")!] == "trace-42")
            let generated = try await api.call(.get, "/healthz")
            #expect(generated.headers[HTTPField.Name("X-Request-ID")!]?.count == 36)
            #expect(generated.text == #"{"status":"ok","store":"\#(engine.rawValue)"}"#)
            let version = try await api.call(.get, "/version")
            #expect(version.string("gitVersion")?.hasPrefix("v") == true && version.string("platform") != nil)
            let metrics = try await api.call(.get, "/metrics")
            #expect(metrics.text.contains(#"iam_http_requests_total{route="/healthz",method="GET",status="200"}"#), "\(metrics.text.prefix(600))")
            #expect(metrics.text.contains("iam_http_request_duration_seconds_bucket"))
        }
    }

    @Test(arguments: TestEngine.available)
    func badInputGetsTheDocumentedErrorAndStoresNothing(_ engine: TestEngine) async throws {
        let configuration = TestServers.configuration { $0.maxBodyBytes = 4096 }
        try await TestServers.withServer(engine, configuration: configuration) { api, server in
            let admin = try await api.login("admin", TestServers.adminPassword)
            let revision = try await server.store.currentRevision()
            let cases: [(String, String, Int, Int)] = [
                ("/v1/users", "{", 400, 100003),
                ("/v1/users", "[]", 400, 100003),
                ("/v1/users", #"{"metadata":{"name":5}}"#, 400, 100003),
                ("/v1/users", #"{"metadata":{"name":"x"},"isAdmin":"yes"}"#, 400, 100003),
                ("/v1/users", #"{"metadata":{"name":"bad name"},"nickname":"n","password":"Secret@2024","email":"a@b.c"}"#, 400, 100004),
                ("/v1/users", #"{"metadata":{"name":"weak"},"nickname":"n","password":"secret","email":"a@b.c"}"#, 400, 100004),
                ("/v1/secrets", #"{"metadata":{"name":"s"},"expires":"never"}"#, 400, 100003),
                ("/v1/secrets", #"{"metadata":{"name":"s"},"expires":1.5}"#, 400, 100003),
                ("/v1/policies", #"{"metadata":{"name":"p"},"policy":{"subjects":"all"}}"#, 400, 100003),
                ("/v1/policies", #"{"metadata":{"name":"p"},"policy":{"meta":"%%%"}}"#, 400, 100003),
                ("/v1/policies", "\u{0}\u{1}", 400, 100003),
                ("/v1/users", #"{"metadata":{"name":"nul"},"nickname":"a\u0000b","password":"Secret@2024","email":"a@b.c"}"#, 400, 100003),
                ("/v1/policies", #"{"metadata":{"name":"p"},"policy":{"description":"\#(String(repeating: "x", count: 5000))"}}"#, 413, 100007),
            ]
            for (path, body, status, code) in cases {
                let result = try await api.call(.post, path, admin, body: body)
                #expect(result.status == status && result.code == code, "\(path) \(body.prefix(60)): \(result.text)")
            }
            let nul = try await api.call(.delete, "/v1/policies?name=a%00b", admin)
            #expect(nul.status == 400 && nul.code == 100003, "PostgreSQL cannot store NUL; refused before the store")
            #expect(try await server.store.currentRevision() == revision, "no refused request wrote anything")
            #expect(try await server.store.userCount() == 1)
        }
    }
}
