import Crypto
import Foundation
import IAMTestSupport
import IAMTokens
import PolicyEngine
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Starts the roles of the authorization pipeline as processes, as an operator would, for the tests that run them
/// together: apiservers with a cluster token, `iam authz`, `iam pump`, `iam watcher`.
enum PipelineProcesses {
    static let clusterToken = "pipeline-test-cluster-token"
    static let adminPassword = "Admin@2021"

    static func curl(_ arguments: [String]) throws -> String {
        try Spawn.run(["/usr/bin/curl", "-s", "--max-time", "20"] + arguments, environment: ["PATH": "/usr/bin:/bin"]).output
    }

    /// An apiserver with the cluster token (on `port`, or any free one), SQLite in `data` unless `store` is given.
    static func apiserver(data: String, store: String?, port: Int? = nil) throws -> (BackgroundProcess, String) {
        var extra = ["--cluster.token", clusterToken, "--bcrypt-cost", "4"]
        if let store { extra += ["--store", store] }
        if let port { extra += ["--insecure.bind-port", String(port)] }
        return try APIServerProcessTests.start(directory: data, extra, adminPassword: adminPassword)
    }

    /// `iam authz` following `apiservers`; returns the process and its base URL once the first snapshot is in.
    static func authz(apiservers: [String], spool: String, _ extra: [String] = []) throws -> (BackgroundProcess, String) {
        let process = try BackgroundProcess(
            [try IAMExecutableTests.binary().path, "authz", "--insecure.bind-port", "auto", "--apiserver", apiservers.joined(separator: ","),
             "--cluster.token", clusterToken, "--analytics.spool-file", spool, "--analytics.flush-interval", "50", "--feed.wait", "2"] + extra,
            environment: ["PATH": "/usr/bin:/bin"])
        guard let line = process.awaitOutput(containing: "authz listening on http://", seconds: 30),
              let url = line.split(separator: " ").first(where: { $0.hasPrefix("http://") }).map(String.init),
              process.awaitOutput(containing: "loaded snapshot at revision", seconds: 30) != nil
        else { throw TemporaryFiles.Failure("authz did not start:\n\(process.output)") }
        return (process, url.hasSuffix(",") ? String(url.dropLast()) : url)
    }

    /// `iam pump` on the store (SQLite in `data` unless `store`), delivering to the sinks given as settings.
    static func pump(data: String, store: String?, _ settings: [String]) throws -> BackgroundProcess {
        var arguments = [try IAMExecutableTests.binary().path, "pump", "--data-dir", data, "--purge-delay", "1",
                         "--health-check-address", "127.0.0.1:0"]
        if let store { arguments += ["--store", store] }
        let process = try BackgroundProcess(arguments + settings, environment: ["PATH": "/usr/bin:/bin"])
        guard process.awaitOutput(containing: "pump delivering to", seconds: 30) != nil else {
            throw TemporaryFiles.Failure("pump did not start:\n\(process.output)")
        }
        return process
    }

    /// Creates user `name` with a secret and the given policy through the apiserver; returns (secretID, secretKey).
    static func userWithSecret(_ url: String, _ name: String, policy: String) throws -> (String, String) {
        let user = try curl(["-u", "admin:\(adminPassword)", "-XPOST", "\(url)/v1/users", "-d",
            #"{"metadata":{"name":"\#(name)"},"nickname":"\#(name)","password":"Pass@2024x","email":"\#(name)@example.com"}"#])
        try #require(user.contains(#""name":"\#(name)""#), "\(user)")
        let secret = try curl(["-u", "\(name):Pass@2024x", "-XPOST", "\(url)/v1/secrets", "-d", #"{"metadata":{"name":"app"},"expires":0}"#])
        let id = try #require(secret.firstMatch(of: /"secretID":"(\w+)"/)?.1, "\(secret)")
        let key = try #require(secret.firstMatch(of: /"secretKey":"(\w+)"/)?.1, "\(secret)")
        try createPolicy(url, owner: name, "allow-articles", policy)
        return (String(id), String(key))
    }

    static func createPolicy(_ url: String, owner: String, _ name: String, _ policy: String) throws {
        let created = try curl(["-u", "\(owner):Pass@2024x", "-XPOST", "\(url)/v1/policies", "-d",
                                #"{"metadata":{"name":"\#(name)"},"policy":\#(policy)}"#])
        try #require(created.contains(#""name":"\#(name)""#), "\(created)")
    }

    /// A JWT as `iamctl jwt sign` makes it: HS256, `kid` = secretID, an hour of validity.
    static func token(_ secretID: String, _ secretKey: String) -> String {
        let now = Double(Int(Date().timeIntervalSince1970))
        return JSONWebToken.sign(
            claims: [("exp", .number(now + 3600)), ("iat", .number(now - 5)), ("nbf", .number(now - 5)),
                     ("aud", "iam.authz.marmotedu.com"), ("iss", "iamctl")],
            extraHeader: [("kid", .string(secretID))], key: SymmetricKey(data: Array(secretKey.utf8)))
    }

    static let articlePolicy = #"{"subjects":["users:<.*>"],"actions":["delete"],"effect":"allow","resources":["resources:articles:<.*>"]}"#
    static let articleRequest = #"{"subject":"users:maria","action":"delete","resource":"resources:articles:ladon-introduction"}"#

    static func decide(_ authz: String, token: String, _ body: String = articleRequest) throws -> String {
        try curl(["-XPOST", "\(authz)/v1/authz", "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json", "-d", body])
    }

    /// Asks until the answer is `expected`; returns the seconds it took (nil if it never came within `seconds`).
    static func awaitDecision(_ authz: String, token: String, _ expected: String, _ body: String = articleRequest,
                              seconds: Double = 10) throws -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            if try decide(authz, token: token, body) == expected { return Date().timeIntervalSince(start) }
            usleep(10_000)
        }
        return nil
    }

    /// Stops a process with SIGTERM and returns its exit status.
    @discardableResult
    static func stop(_ process: BackgroundProcess) -> Int32 {
        process.signal(SIGTERM)
        return process.wait()
    }
}
