import Foundation
import IAMStore
import IAMTestSupport
import Logging
import SQLKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `iam apiserver` as an operator runs it: configuration errors, graceful shutdown, crashes.
@Suite struct APIServerProcessTests {
    static func curl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try Spawn.run(["/usr/bin/curl", "-s", "--max-time", "20"] + arguments, environment: ["PATH": "/usr/bin:/bin"])
    }

    /// Starts `iam apiserver` on a free port with SQLite in `directory`; returns the process and its base URL.
    static func start(directory: String, _ extra: [String] = [], adminPassword: String? = "Admin@2021") throws -> (BackgroundProcess, String) {
        var environment = ["PATH": "/usr/bin:/bin"]
        environment["IAM_ADMIN_PASSWORD"] = adminPassword
        let process = try BackgroundProcess(
            [try IAMExecutableTests.binary().path, "apiserver", "--insecure.bind-port", "auto", "--data-dir", directory,
             "--jwt.key", "process-test-key"] + extra,
            environment: environment)
        guard let line = process.awaitOutput(containing: "apiserver listening on http://", seconds: 60),
            let url = line.split(separator: " ").first(where: { $0.hasPrefix("http://") })
        else { throw TemporaryFiles.Failure("apiserver did not start:\n\(process.output)") }
        return (process, String(url))
    }

    @Test func configurationMistakesAreNamedAndStopTheStart() throws {
        let files = try TemporaryFiles()
        let unknown = try IAMExecutableTests.iam(["apiserver", "--insecure.bind-prot", "8080"])
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("unknown setting insecure.bind-prot") && unknown.error.contains("did you mean insecure.bind-port"))
        let yaml = try files.write("iam-apiserver.yaml", "insecure:\n  bind-address: 127.0.0.1\n  bind-port: eighty\n")
        let badFile = try IAMExecutableTests.iam(["apiserver", "-c", yaml])
        #expect(badFile.status == 2)
        #expect(badFile.error.contains("iam-apiserver.yaml:3: insecure.bind-port must be a whole number"), "\(badFile.error)")
        let shortKey = try IAMExecutableTests.iam(["apiserver", "--jwt.key", "abc"])
        #expect(shortKey.status == 2 && shortKey.error.contains("jwt.key must be 6 to 32 characters"))
        let badStore = try IAMExecutableTests.iam(["apiserver", "--store", "mysql://x", "--insecure.bind-port", "auto"])
        #expect(badStore.status == 1 && badStore.error.contains("postgres://"), "\(badStore.error)")
        let nothing = try IAMExecutableTests.iam(["apiserver", "--insecure.bind-port", "0", "--data-dir", files.path("d")])
        #expect(nothing.status == 1 && nothing.error.contains("nothing to serve"), "\(nothing.error)")
        let marmotedu = try files.write("m.yaml", "mysql:\n  host: 127.0.0.1:3306\nserver:\n  mode: debug\n")
        let ignored = try IAMExecutableTests.iam(["apiserver", "-c", marmotedu, "--store", "mysql://x"])
        #expect(ignored.error.contains("m.yaml:2: mysql.host is a marmotedu/iam setting with no meaning here; ignored"), "\(ignored.error)")
        let bogus = try files.write("b.yaml", "server:\n  mode: debug\n  bogus: 1\n")
        #expect(try IAMExecutableTests.iam(["apiserver", "-c", bogus]).error.contains("b.yaml:3: unknown setting server.bogus"))
    }

    @Test func sigtermFinishesTheRequestInFlightThenExits() throws {
        let files = try TemporaryFiles()
        // bcrypt cost 13 makes the first login take ~0.5 s: long enough to send SIGTERM while it runs.
        let (server, url) = try Self.start(directory: files.path("data"), ["--bcrypt-cost", "13"])
        #expect(try Self.curl(["\(url)/healthz"]).output == #"{"status":"ok","store":"sqlite"}"#)
        let register = try Self.curl(["-XPOST", "\(url)/v1/users", "-d",
            #"{"metadata":{"name":"slow"},"nickname":"slow","password":"Slow@2024x","email":"s@x.io"}"#])
        #expect(register.output.contains(#""name":"slow""#), "\(register.output)")
        let login = try BackgroundProcess(
            ["/usr/bin/curl", "-s", "-o", files.path("login.json"), "-w", "%{http_code}", "-XPOST", "\(url)/login",
             "-d", #"{"username":"slow","password":"Slow@2024x"}"#],
            environment: [:])
        usleep(150_000)
        server.signal(SIGTERM)
        #expect(login.wait() == 0)
        #expect(login.output == "200", "the login in flight completed: \(login.output)")
        #expect(server.wait() == 0, "graceful exit:\n\(server.output)")
        #expect(try Self.curl(["\(url)/healthz"]).status != 0, "nothing listens any more")
    }

    /// SIGKILL in the middle of a stream of writes: every row that exists is complete and logged, nothing is
    /// half-written, and the server starts again on the same file.
    @Test func aKilledServerLeavesNoHalfWrittenRows() async throws {
        let files = try TemporaryFiles()
        let data = files.path("data")
        let (server, url) = try Self.start(directory: data, ["--bcrypt-cost", "4"])
        let writers = try (0..<4).map { writer in
            try BackgroundProcess(
                ["/bin/sh", "-c", """
                    i=0; while [ $i -lt 400 ]; do
                      curl -s -o /dev/null -u admin:Admin@2021 -XPOST \(url)/v1/policies -d "{\\"metadata\\":{\\"name\\":\\"w\(writer)-$i\\"},\\"policy\\":{\\"effect\\":\\"allow\\"}}"
                      curl -s -o /dev/null -u admin:Admin@2021 -XPOST \(url)/v1/secrets -d "{\\"metadata\\":{\\"name\\":\\"w\(writer)-$i\\"}}"
                      i=$((i+1)); done
                    """],
                environment: ["PATH": "/usr/bin:/bin"])
        }
        usleep(1_500_000)
        server.signal(SIGKILL)
        #expect(server.wait() == 128 + SIGKILL)
        writers.forEach { $0.wait() }

        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let store = try await StoreLocation.sqlite(path: data + "/iam.db").open(logger: logger).store
        let policyCount: Int64
        do {
            let policies = try await store.listPolicies(owner: "admin", ListQuery(limit: nil))
            #expect(policies.totalCount > 0, "some writes happened before the kill")
            let checks = try await store.backend.read { database in
                let orphans = try await database.raw(#"SELECT COUNT(*) AS "n" FROM "policy" WHERE "instanceID" IS NULL"#).first()!
                    .decode(column: "n", as: Int64.self)
                let unlogged = try await database.raw(
                    #"SELECT COUNT(*) AS "n" FROM "policy" p WHERE NOT EXISTS (SELECT 1 FROM "change_log" c WHERE c."kind" = 'policy' AND c."name" = p."name")"#
                ).first()!.decode(column: "n", as: Int64.self)
                let ahead = try await database.raw(
                    #"SELECT COUNT(*) AS "n" FROM "change_log" WHERE "revision" > (SELECT "value" FROM "iam_revision")"#
                ).first()!.decode(column: "n", as: Int64.self)
                let check = try await database.raw("PRAGMA integrity_check").first()!.decode(column: "integrity_check", as: String.self)
                return (orphans, unlogged, ahead, check)
            }
            #expect(checks.0 == 0, "no policy without its instanceID (written in the same transaction)")
            #expect(checks.1 == 0, "every policy has its change-log entry")
            #expect(checks.2 == 0, "no change logged beyond the revision counter")
            #expect(checks.3 == "ok")
            policyCount = policies.totalCount
        } catch {
            await store.close()
            throw error
        }
        await store.close()

        let (again, url2) = try Self.start(directory: data)
        #expect(try Self.curl(["-u", "admin:Admin@2021", "\(url2)/v1/policies?limit=1"]).output.contains("\"totalCount\":\(policyCount)"))
        again.signal(SIGTERM)
        #expect(again.wait() == 0)
    }

    @Test func servesHTTPSWithTheGivenCertificateAndGeneratesTheFirstAdminPassword() throws {
        let files = try TemporaryFiles()
        let certificate = files.path("cert.pem"), key = files.path("key.pem")
        let made = try Spawn.run(["/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                  "-subj", "/CN=localhost", "-keyout", key, "-out", certificate], environment: [:])
        try #require(made.status == 0, "\(made.output)")
        let (server, url) = try Self.start(
            directory: files.path("data"),
            ["--secure.bind-address", "127.0.0.1", "--secure.bind-port", "auto", "--secure.tls.cert-key.cert-file", certificate,
             "--secure.tls.cert-key.private-key-file", key],
            adminPassword: nil)
        let line = try #require(server.awaitOutput(containing: "apiserver listening on https://", seconds: 30))
        let https = try #require(line.split(separator: " ").first { $0.hasPrefix("https://") })
        #expect(try Self.curl(["--cacert", certificate, "--resolve", "localhost:\(https.split(separator: ":").last!):127.0.0.1",
                               "https://localhost:\(https.split(separator: ":").last!)/healthz"]).output
                == #"{"status":"ok","store":"sqlite"}"#)
        #expect(try Self.curl(["\(url)/healthz"]).output.contains("ok"), "plain HTTP still served")

        let announced = try #require(server.awaitOutput(containing: "generated password", seconds: 5))
        let password = try #require(announced.firstMatch(of: /generated password (\S+)/)?.1)
        let login = try Self.curl(["-XPOST", "\(url)/login", "-d", #"{"username":"admin","password":"\#(password)"}"#])
        #expect(login.output.contains("token"), "\(login.output)")
        server.signal(SIGTERM)
        #expect(server.wait() == 0)

        let (again, _) = try Self.start(directory: files.path("data"), adminPassword: nil)
        again.signal(SIGTERM)
        #expect(again.wait() == 0)
        #expect(!again.output.contains("generated password"), "the password is printed once, on the empty store only")
        let wrongCertificate = try IAMExecutableTests.iam(["apiserver", "--secure.tls.cert-key.cert-file", files.path("none.pem"),
                                                           "--secure.tls.cert-key.private-key-file", key, "--data-dir", files.path("d2"),
                                                           "--insecure.bind-port", "auto"])
        #expect(wrongCertificate.status == 1 && wrongCertificate.error.contains("cannot load the TLS certificate"))
    }
}
