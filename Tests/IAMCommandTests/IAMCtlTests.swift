import Foundation
import IAMTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `iamctl` against a live `iam apiserver`, on SQLite and (when the test script started one) PostgreSQL.
@Suite struct IAMCtlTests {
    enum Store: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
        static var available: [Store] {
            ProcessInfo.processInfo.environment["IAM_TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
        }
    }

    /// A PostgreSQL URL of a new database on the test server.
    static func newPostgresDatabase() throws -> String {
        let admin = try #require(ProcessInfo.processInfo.environment["IAM_TEST_POSTGRES_URL"])
        let name = "iamctl_\(UInt32.random(in: 0...UInt32.max))"
        let created = try Spawn.run(["/usr/bin/psql", "-q", admin, "-c", "CREATE DATABASE \(name)"], environment: [:])
        try #require(created.status == 0, "\(created.output)")
        return admin.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
    }

    @Test(arguments: Store.available)
    func everyCommandAgainstALiveServer(_ store: Store) throws {
        let files = try TemporaryFiles()
        let extra = store == .postgres ? ["--store", try Self.newPostgresDatabase()] : []
        let (server, url) = try APIServerProcessTests.start(directory: files.path("data"), ["--bcrypt-cost", "4"] + extra)
        defer {
            server.signal(SIGTERM)
            server.wait()
        }
        // The settings file where iamctl looks for it: ~/.iam/iamctl.yaml.
        try FileManager.default.createDirectory(atPath: files.path("home/.iam"), withIntermediateDirectories: true)
        _ = try files.write("home/.iam/iamctl.yaml", """
            apiVersion: v1
            user:
              username: admin
              password: Admin@2021
              client-certificate-data: ""
            server:
              address: \(url)
              timeout: 10s
            """)
        let environment = ["HOME": files.path("home"), "PATH": "/usr/bin:/bin"]
        func iamctl(_ arguments: String...) throws -> IAMExecutableTests.Run {
            try IAMExecutableTests.run("iamctl", arguments, environment: environment)
        }

        #expect(try iamctl("user", "create", "colin", "Colin@2021", "colin@example.com", "--phone", "1812884").output == "user/colin created\n")
        let invalid = try iamctl("user", "create", "x y", "weak", "nope")
        #expect(invalid.status == 1 && invalid.error.contains("invalid user"), "checked before sending")
        let list = try iamctl("user", "list")
        #expect(list.output.hasPrefix("NAME") && list.output.contains("colin") && list.output.contains("1812884"))
        let json = try iamctl("user", "get", "colin", "-o", "json")
        #expect(json.output.contains(#""instanceID":"user-qnxp31""#) && !json.output.contains("password"))
        #expect(try iamctl("user", "get", "colin", "-o", "yaml").output.contains(#"nickname: "colin""#))
        #expect(try iamctl("user", "update", "colin", "--nickname", "Col").output == "user/colin updated\n")
        #expect(try iamctl("user", "get", "colin").output.contains("Col "))

        #expect(try iamctl("secret", "create", "ci", "--description", "pipeline").output == "secret/ci created\n")
        let secret = try iamctl("secret", "get", "ci", "-o", "json").output
        let secretID = try #require(secret.firstMatch(of: /"secretID":"(\w{36})"/)?.1)
        let secretKey = try #require(secret.firstMatch(of: /"secretKey":"(\w{32})"/)?.1)
        #expect(try iamctl("secret", "update", "ci", "--expires", "0").output == "secret/ci updated\n")
        #expect(try iamctl("secret", "list").output.contains("never"))

        let document = #"{"subjects":["users:<peter|ken>"],"actions":["get"],"resources":["articles:<.*>"],"effect":"allow"}"#
        #expect(try iamctl("policy", "create", "p1", document).output == "policy/p1 created\n")
        #expect(try iamctl("policy", "get", "p1").output.hasPrefix(#"p1: {"id":"p1","description":"","subjects":["users:<peter|ken>"]"#))
        #expect(try iamctl("policy", "update", "p1", #"{"effect":"deny"}"#).output == "policy/p1 updated\n")
        #expect(try iamctl("policy", "list").output.contains(#""effect":"deny""#))
        let badPolicy = try iamctl("policy", "create", "p2", #"{"conditions":{"ip":{"type":"Nope"}}}"#)
        #expect(badPolicy.status == 1 && badPolicy.error.contains("unknown condition type"))
        let missing = try iamctl("policy", "get", "nope")
        #expect(missing.status == 1 && missing.error.contains("code 110201") && missing.error.contains("Policy not found"))
        #expect(try iamctl("policy", "delete", "p1").output == "policy/p1 deleted\n")
        #expect(try iamctl("secret", "delete", "ci").output == "secret/ci deleted\n")
        #expect(try iamctl("user", "delete", "colin").output == "user/colin deleted\n")

        let token = try iamctl("jwt", "sign", String(secretID), String(secretKey), "--claim", "scope=ci").output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = try iamctl("jwt", "show", token, "--compact").output
        #expect(shown.contains(#""kid":"\#(secretID)""#) && shown.contains(#""aud":"iam.authz.marmotedu.com""#) && shown.contains(#""scope":"ci""#))
        #expect(try iamctl("jwt", "verify", String(secretKey), token).status == 0)
        let forged = try iamctl("jwt", "verify", "wrong-key", token)
        #expect(forged.status == 1 && forged.error.contains("signature is invalid"))

        let version = try iamctl("version", "--short")
        #expect(version.output.contains("Client Version: v") && version.output.contains("Server Version: v"))
        let validate = try iamctl("validate")
        #expect(validate.status == 0 && validate.output.contains("credentials    OK"), "\(validate.output)")
        #expect(try iamctl("completion", "bash").output.contains("iamctl"))

        // Flags beat the file; conflicting identities are refused; a wrong password is the server's 401.
        let conflict = try iamctl("user", "list", "--user.token", "abc")
        #expect(conflict.status == 1 && conflict.error.contains("set only one of"))
        let wrong = try iamctl("user", "list", "--user.password", "Wrong@2021")
        #expect(wrong.status == 1 && wrong.error.contains("HTTP 401"))
        // IAM_* variables, no file: the same call works from the environment alone.
        var bare = ["HOME": files.path("nohome"), "PATH": "/usr/bin:/bin", "IAM_SERVER_ADDRESS": url,
                    "IAM_USER_USERNAME": "admin", "IAM_USER_PASSWORD": "Admin@2021"]
        #expect(try IAMExecutableTests.run("iamctl", ["user", "get", "admin"], environment: bare).output.contains("admin@localhost"))
        bare["IAM_SERVER_TIMEOUT"] = "soon"
        let badVariable = try IAMExecutableTests.run("iamctl", ["user", "get", "admin"], environment: bare)
        #expect(badVariable.status == 1 && badVariable.error.contains("IAM_SERVER_TIMEOUT"))
        let unreachable = try iamctl("user", "list", "-s", "http://127.0.0.1:1")
        #expect(unreachable.status == 1 && unreachable.error.contains("cannot reach the apiserver"))
    }
}
