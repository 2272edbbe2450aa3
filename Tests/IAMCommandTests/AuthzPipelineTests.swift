import Foundation
import IAMStore
import IAMTestSupport
import Logging
import SQLKit
import ServiceLifecycle
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The authorization pipeline end to end, as processes: apiserver → change feed → authz → audit queue → pump.
@Suite(.serialized) struct AuthzPipelineTests {
    typealias P = PipelineProcesses

    /// Opens the store the processes use, for seeding and counting.
    static func withStore<T: Sendable>(data: String, store: String?, _ body: @Sendable (SQLStore) async throws -> T) async throws -> T {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let location = try StoreLocation(parsing: store ?? "", dataDirectory: data)
        // The tests of this process block Swift's cooperative threads while they wait for processes; a granted
        // lease may wait longer than the apiserver's ten seconds for a thread.
        let opened = try await location.open(logger: logger, connectionWait: .seconds(300))
        guard let service = opened.service else {
            do {
                let result = try await body(opened.store)
                await opened.store.close()
                return result
            } catch {
                await opened.store.close()
                throw error
            }
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await service.run(); return nil }
            defer { group.cancelAll() }
            return try await body(opened.store)
        }
    }

    @Test(arguments: IAMCtlTests.Store.available)
    func aWriteReachesAuthzAndTheDecisionReachesThePumpsSink(_ engine: IAMCtlTests.Store) async throws {
        let files = try TemporaryFiles()
        let store = engine == .postgres ? try IAMCtlTests.newPostgresDatabase() : nil
        let (apiserver, url) = try P.apiserver(data: files.path("data"), store: store)
        defer { P.stop(apiserver) }
        // Its own three event loops instead of one per core: decisions, the feed and audit work as on the shared ones.
        let (authz, authzURL) = try P.authz(apiservers: [url], spool: files.path("authz.spool"), ["--server.event-loops", "3"])
        defer { P.stop(authz) }
        #expect(authz.output.contains("on 3 event loops"), "\(authz.output)")
        let pump = try P.pump(data: files.path("data"), store: store,
                              ["--pumps.files.type", "jsonl", "--pumps.files.meta.dir", files.path("audit"), "--pumps.archive.type", "postgres"])
        defer { P.stop(pump) }
        #expect(try P.curl(["\(authzURL)/healthz"]) == #"{"status":"ok"}"#)

        let (secretID, secretKey) = try P.userWithSecret(url, "colin", policy: P.articlePolicy)
        let token = P.token(secretID, secretKey)
        let delay = try #require(try P.awaitDecision(authzURL, token: token, #"{"allowed":true}"#), "authz never saw the new secret and policy")
        print("write → first allowed decision: \(Int(delay * 1000)) ms (the benchmark measures the distribution)")
        #expect(try P.decide(authzURL, token: token, #"{"subject":"users:maria","action":"get","resource":"resources:articles:x"}"#)
                == #"{"allowed":false,"denied":true,"reason":"Request was denied by default"}"#)

        // Both decisions reach the pump's sinks.
        let deadline = Date().addingTimeInterval(15)
        var lines: [Substring] = []
        while Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: files.path("audit"))) ?? []
            lines = names.flatMap { name in
                ((try? String(contentsOfFile: files.path("audit/\(name)"), encoding: .utf8)) ?? "").split(separator: "\n")
            }.filter { $0.contains(#""username":"colin""#) }
            if lines.count >= 2 { break }
            usleep(100_000)
        }
        #expect(lines.contains { $0.contains(#""effect":"allow","conclusion":"policies allow-articles allow access""#) }, "\(lines)")
        #expect(lines.contains { $0.contains(#""effect":"deny","conclusion":"no policy allowed access""#) }, "\(lines)")
        let archived = try await Self.withStore(data: files.path("data"), store: store) { try await $0.archivedAuditRecordCount() }
        #expect(archived >= 2)

        // Revoking works the same way: the secret's deletion takes effect in authz.
        _ = try P.curl(["-u", "colin:Pass@2024x", "-XDELETE", "\(url)/v1/secrets/app"])
        #expect(try P.awaitDecision(authzURL, token: token, #"{"code":100202,"message":"Signature is invalid","details":"no secret has this kid"}"#) != nil)
        #expect(P.stop(authz) == 0)
        #expect(P.stop(pump) == 0)
    }

    /// Two apiservers on one PostgreSQL database; authz follows the second and sees writes made through the first
    /// (LISTEN/NOTIFY), keeps deciding while its apiserver is down, and fails over to the next URL.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["IAM_TEST_POSTGRES_URL"] != nil))
    func authzFollowsAnotherApiserverAndFailsOver() async throws {
        let files = try TemporaryFiles()
        let store = try IAMCtlTests.newPostgresDatabase()
        let (a, urlA) = try P.apiserver(data: files.path("a"), store: store)
        defer { P.stop(a) }
        let (b, urlB) = try P.apiserver(data: files.path("b"), store: store)
        // The first URL is dead: authz moves on to B.
        let (authz, authzURL) = try P.authz(apiservers: ["http://127.0.0.1:9", urlB, urlA], spool: files.path("spool"))
        defer { P.stop(authz) }

        let (secretID, secretKey) = try P.userWithSecret(urlA, "ken", policy: P.articlePolicy)
        let token = P.token(secretID, secretKey)
        #expect(try P.awaitDecision(authzURL, token: token, #"{"allowed":true}"#) != nil, "a write through A reached authz following B")

        // B goes away: authz still answers from its snapshot, then follows A.
        b.signal(SIGKILL)
        b.wait()
        #expect(try P.decide(authzURL, token: token) == #"{"allowed":true}"#)
        #expect(try P.curl(["\(authzURL)/healthz"]) == #"{"status":"ok"}"#)
        try P.createPolicy(urlA, owner: "ken", "deny-intro",
            #"{"subjects":["<.*>"],"actions":["delete"],"effect":"deny","resources":["resources:articles:ladon-introduction"]}"#)
        #expect(try P.awaitDecision(authzURL, token: token, #"{"allowed":false,"denied":true,"reason":"Request was forcefully denied"}"#, seconds: 20) != nil,
                "after failing over to A, authz sees A's writes:\n\(authz.output)")
        #expect(authz.output.contains("now following apiserver \(urlA)"))
        let metrics = try P.curl(["\(authzURL)/metrics"])
        #expect(metrics.contains("iam_authz_snapshot_age_seconds") && metrics.contains("iam_authz_feed_errors_total"))
    }

    /// While authz's apiserver is away, the change log loses a revision (a gap) and later is pruned altogether:
    /// each time authz notices and reloads the whole snapshot instead of deciding on a stale one.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["IAM_TEST_POSTGRES_URL"] != nil))
    func authzReloadsWhenTheFeedHasAGapOrWasPruned() async throws {
        let files = try TemporaryFiles()
        let store = try IAMCtlTests.newPostgresDatabase()
        let (a, urlA) = try P.apiserver(data: files.path("a"), store: store)
        defer { P.stop(a) }
        var (b, urlB) = try P.apiserver(data: files.path("b"), store: store)
        let portB = Int(urlB.split(separator: ":").last!)!
        let (authz, authzURL) = try P.authz(apiservers: [urlB], spool: files.path("spool"))
        defer { P.stop(authz) }
        let (secretID, secretKey) = try P.userWithSecret(urlA, "gap", policy: P.articlePolicy)
        let token = P.token(secretID, secretKey)
        #expect(try P.awaitDecision(authzURL, token: token, #"{"allowed":true}"#) != nil)

        func whileBIsAway(_ body: () async throws -> Void) async throws {
            b.signal(SIGKILL)
            b.wait()
            try await body()
            (b, urlB) = try P.apiserver(data: files.path("b"), store: store, port: portB)
        }
        // A gap: two writes, the first one's log entry lost.
        try await whileBIsAway {
            try P.createPolicy(urlA, owner: "gap", "read-1", #"{"subjects":["<.*>"],"actions":["read"],"effect":"allow","resources":["one"]}"#)
            try P.createPolicy(urlA, owner: "gap", "read-2", #"{"subjects":["<.*>"],"actions":["read"],"effect":"allow","resources":["two"]}"#)
            try await Self.withStore(data: files.path("a"), store: store) { store in
                try await store.backend.transaction { database in
                    try await database.raw(#"DELETE FROM "change_log" WHERE "revision" = (SELECT MAX("revision") - 1 FROM "change_log")"#).run()
                }
            }
        }
        #expect(try P.awaitDecision(authzURL, token: token, #"{"allowed":true}"#, #"{"subject":"s","action":"read","resource":"one"}"#, seconds: 20) != nil,
                "the write whose log entry was lost arrives through the reload:\n\(authz.output)")
        #expect(authz.output.contains("change feed skipped from revision"))
        // Pruned: the log no longer reaches authz's revision (410).
        try await whileBIsAway {
            try P.createPolicy(urlA, owner: "gap", "read-3", #"{"subjects":["<.*>"],"actions":["read"],"effect":"allow","resources":["three"]}"#)
            try P.createPolicy(urlA, owner: "gap", "read-4", #"{"subjects":["<.*>"],"actions":["read"],"effect":"allow","resources":["four"]}"#)
            // Only the last revision stays logged: authz, one revision further back, cannot catch up from the log.
            try await Self.withStore(data: files.path("a"), store: store) { store in
                try await store.backend.transaction { database in
                    try await database.raw(#"DELETE FROM "change_log" WHERE "revision" < (SELECT MAX("revision") FROM "change_log")"#).run()
                }
            }
        }
        #expect(try P.awaitDecision(authzURL, token: token, #"{"allowed":true}"#, #"{"subject":"s","action":"read","resource":"three"}"#, seconds: 20) != nil)
        #expect(authz.output.contains("the change log no longer reaches revision"), "\(authz.output)")
        P.stop(b)
    }

    /// The apiserver is killed and restarted while authz decides under load: every decision's audit record ends up
    /// in the archive exactly once (buffered, spooled to disk while the apiserver is down, replayed after).
    @Test(arguments: IAMCtlTests.Store.available)
    func noAuditRecordIsLostAcrossAnApiserverRestart(_ engine: IAMCtlTests.Store) async throws {
        let files = try TemporaryFiles()
        let store = engine == .postgres ? try IAMCtlTests.newPostgresDatabase() : nil
        var (apiserver, url) = try P.apiserver(data: files.path("data"), store: store)
        let port = Int(url.split(separator: ":").last!)!
        let (authz, authzURL) = try P.authz(apiservers: [url], spool: files.path("authz.spool"))
        defer { P.stop(authz) }
        let (secretID, secretKey) = try P.userWithSecret(url, "load", policy: P.articlePolicy)
        let token = P.token(secretID, secretKey)
        #expect(try P.awaitDecision(authzURL, token: token, #"{"allowed":true}"#) != nil)

        // Four clients decide in a loop and log every answer.
        let stopFile = files.path("stop")
        let clients = try (0..<4).map { client in
            try BackgroundProcess(["/bin/sh", "-c", """
                while [ ! -f \(stopFile) ]; do
                  curl -s --max-time 5 -XPOST \(authzURL)/v1/authz -H 'Authorization: Bearer \(token)' -d '\(P.articleRequest)'; echo
                done > \(files.path("answers-\(client)"))
                """], environment: ["PATH": "/usr/bin:/bin"])
        }
        usleep(700_000)
        apiserver.signal(SIGKILL)
        apiserver.wait()
        usleep(1_500_000)  // decisions go on; their records are spooled
        (apiserver, url) = try P.apiserver(data: files.path("data"), store: store, port: port)
        defer { P.stop(apiserver) }
        usleep(1_000_000)
        _ = FileManager.default.createFile(atPath: stopFile, contents: nil)
        clients.forEach { $0.wait() }
        let decisions = (0..<4).map { client in
            ((try? String(contentsOfFile: files.path("answers-\(client)"), encoding: .utf8)) ?? "")
                .split(separator: "\n").filter { $0 == #"{"allowed":true}"# }.count
        }.reduce(0, +)
        #expect(decisions > 50, "enough load to matter: \(decisions)")
        #expect(authz.output.contains("spooling them to"), "some records had to wait in the spool:\n\(authz.output)")

        // Drain everything into the archive and count.
        let pump = try P.pump(data: files.path("data"), store: store, ["--pumps.archive.type", "postgres"])
        defer { P.stop(pump) }
        let deadline = Date().addingTimeInterval(30)
        var counted = (queued: -1, archived: -1)
        while Date() < deadline {
            counted = try await Self.withStore(data: files.path("data"), store: store) { store in
                (try await store.auditQueueLength(), try await store.archivedAuditRecordCount())
            }
            if counted.queued == 0, counted.archived >= decisions + 1 { break }
            usleep(200_000)
        }
        // +1: the decision that showed authz was ready.
        #expect(counted.archived == decisions + 1, "archived \(counted.archived) of \(decisions + 1) decisions:\n\(authz.output)")
        #expect(counted.queued == 0)
    }

    /// Two watchers on the same store: each job runs once per interval between them, and really does its work.
    @Test(arguments: IAMCtlTests.Store.available)
    func twoWatchersRunEachJobExactlyOnce(_ engine: IAMCtlTests.Store) async throws {
        let files = try TemporaryFiles()
        let store = engine == .postgres ? try IAMCtlTests.newPostgresDatabase() : nil
        let (apiserver, url) = try P.apiserver(data: files.path("data"), store: store)
        _ = try P.userWithSecret(url, "idle", policy: P.articlePolicy)
        _ = try P.userWithSecret(url, "busy", policy: P.articlePolicy)
        P.stop(apiserver)
        let day: Int64 = 86_400_000_000
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        try await Self.withStore(data: files.path("data"), store: store) { store in
            try await store.backend.transaction { database in
                try await database.raw(#"UPDATE "user" SET "loginedAt" = \#(bind: now - 40 * day) WHERE "name" = 'idle'"#).run()
                try await database.raw(#"UPDATE "user" SET "loginedAt" = \#(bind: now - day) WHERE "name" = 'busy'"#).run()
                for (id, age) in [(1, 200), (2, 190), (3, 10)] {
                    try await database.raw(
                        """
                        INSERT INTO "policy_audit" ("id", "name", "username", "policyShadow", "createdAt", "updatedAt", "deletedAt")
                        VALUES (\(bind: Int64(id)), 'p', 'busy', '{}', 0, 0, \(bind: now - Int64(age) * day))
                        """
                    ).run()
                }
            }
        }
        let watchers = try (0..<2).map { _ in
            var arguments = [try IAMExecutableTests.binary().path, "watcher", "--data-dir", files.path("data"), "--health-check-address",
                             "127.0.0.1:0", "--watcher.task.max-inactive-days", "30", "--watcher.interval", "1h"]
            if let store { arguments += ["--store", store] }
            return try BackgroundProcess(arguments, environment: ["PATH": "/usr/bin:/bin"])
        }
        for watcher in watchers {
            #expect(watcher.awaitOutput(containing: "listening on http://", seconds: 30) != nil, "\(watcher.output)")
        }
        usleep(1_500_000)
        let outcome = try await Self.withStore(data: files.path("data"), store: store) { store in
            try await store.backend.read { database in
                let idle = try await database.raw(#"SELECT "status" FROM "user" WHERE "name" = 'idle'"#).first()!.decode(column: "status", as: Int64.self)
                let busy = try await database.raw(#"SELECT "status" FROM "user" WHERE "name" = 'busy'"#).first()!.decode(column: "status", as: Int64.self)
                let audits = try await database.raw(#"SELECT COUNT(*) AS "n" FROM "policy_audit""#).first()!.decode(column: "n", as: Int64.self)
                return (idle, busy, audits)
            }
        }
        let runs = try await Self.withStore(data: files.path("data"), store: store) { try await $0.watcherRunCounts() }
        for watcher in watchers { #expect(P.stop(watcher) == 0, "\(watcher.output)") }
        #expect(runs == ["clean": 1, "task": 1], "each job ran once between the two watchers")
        #expect(outcome.0 == 0, "the user idle for 40 days is disabled")
        #expect(outcome.1 == 1, "the user seen yesterday is not")
        #expect(outcome.2 == 1, "policy_audit rows older than 180 days are purged")
        let ran = watchers.map { $0.output.components(separatedBy: "watcher job clean ran").count - 1 }
        #expect(ran.reduce(0, +) == 1, "\(ran)")
    }

    /// Two pumps on one PostgreSQL queue deliver every record exactly once between them.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["IAM_TEST_POSTGRES_URL"] != nil))
    func twoPumpsOnPostgresNeverDeliverARecordTwice() async throws {
        let files = try TemporaryFiles()
        let store = try IAMCtlTests.newPostgresDatabase()
        let total = 3000
        try await Self.withStore(data: files.path("data"), store: store) { store in
            try await store.migrate()
            let records = (0..<total).map { index in
                QueuedAuditRecord(id: "r\(index)", json: #"{"timestamp":\#(index),"username":"u\#(index % 7)","effect":"allow","conclusion":"c","request":"{}","policies":"","deciders":"[]","expireAt":"2126-01-01T00:00:00Z"}"#)
            }
            for start in stride(from: 0, to: total, by: 50) {  // batches as authz servers send them
                try await store.enqueueAuditRecords(Array(records[start..<(start + 50)]))
            }
        }
        let pumps = try (0..<2).map { index in
            try P.pump(data: files.path("data"), store: store,
                       ["--batch-size", "50", "--pumps.files.type", "jsonl", "--pumps.files.meta.dir", files.path("out\(index)")])
        }
        let deadline = Date().addingTimeInterval(60)
        var lines: [Substring] = []
        while Date() < deadline {
            lines = (0..<2).flatMap { index -> [Substring] in
                let names = (try? FileManager.default.contentsOfDirectory(atPath: files.path("out\(index)"))) ?? []
                return names.flatMap { ((try? String(contentsOfFile: files.path("out\(index)/\($0)"), encoding: .utf8)) ?? "").split(separator: "\n") }
            }
            if lines.count >= total { break }
            usleep(200_000)
        }
        usleep(500_000)
        for pump in pumps { #expect(P.stop(pump) == 0) }
        #expect(lines.count == total, "every record delivered once (\(lines.count) lines)")
        #expect(Set(lines).count == total, "no record delivered twice")
    }

    @Test func badSettingsStopEachRoleWithAClearMessage() throws {
        let files = try TemporaryFiles()
        let noToken = try IAMExecutableTests.iam(["authz"])
        #expect(noToken.status == 2 && noToken.error.contains("iam authz needs cluster.token"), "\(noToken.error)")
        let badURL = try IAMExecutableTests.iam(["authz", "--cluster.token", P.clusterToken, "--apiserver", "ftp://x"])
        #expect(badURL.status == 2 && badURL.error.contains("must start with http:// or https://"))
        let yaml = try files.write("iam-pump.yaml", "pumps:\n  m:\n    type: mongo\n")
        let mongo = try IAMExecutableTests.iam(["pump", "-c", yaml])
        #expect(mongo.status == 2 && mongo.error.contains("iam-pump.yaml:3: pumps.m.type mongo is not supported"), "\(mongo.error)")
        let interval = try IAMExecutableTests.iam(["watcher", "--watcher.interval", "1d"])
        #expect(interval.status == 2 && interval.error.contains("watcher.interval must be a positive duration"), "\(interval.error)")
        let marmotedu = try files.write("authz.yaml", "rpcserver: 127.0.0.1:8081\nclient-ca-file: /etc/iam/cert/ca.pem\nredis:\n  host: 127.0.0.1\n")
        let ignored = try IAMExecutableTests.iam(["authz", "-c", marmotedu, "--cluster.token", "short"])
        #expect(ignored.error.contains("cluster.token must be at least 16 characters"))
    }
}
