public import IAMResources
import SQLKit

extension SQLStore: WatcherStore {
    public func runWatcherJob(_ name: String, _ job: WatcherJob, intervalSeconds: Int64, now: Timestamp) async throws -> WatcherJobOutcome {
        let postgres = engine == "postgres"
        let outcome = try await backend.transaction { database -> WatcherJobOutcome in
            if postgres {
                // Held until this transaction ends; a second watcher's try fails at once instead of queueing.
                let locked = try await database.raw("SELECT pg_try_advisory_xact_lock(7355609, \(bind: Self.jobKey(name))) AS \"locked\"")
                    .first()?.decode(column: "locked", as: Bool.self) ?? false
                guard locked else { return .busy }
            }
            let due = now.microseconds - intervalSeconds * 1_000_000
            let claimed = try await database.raw(
                """
                INSERT INTO "watcher_runs" ("job", "lastRunAt", "runs") VALUES (\(bind: name), \(bind: now.microseconds), 1)
                ON CONFLICT ("job") DO UPDATE SET "lastRunAt" = excluded."lastRunAt", "runs" = "watcher_runs"."runs" + 1
                WHERE "watcher_runs"."lastRunAt" <= \(bind: due) RETURNING "runs"
                """
            ).first()
            guard claimed != nil else { return .notDue }
            return .ran(affected: try await Self.perform(job, database))
        }
        if case .ran(let affected) = outcome, affected > 0 { revisionSignal.poke() }
        return outcome
    }

    public func watcherRunCounts() async throws -> [String: Int] {
        try await backend.read { database in
            var counts: [String: Int] = [:]
            for row in try await database.raw(#"SELECT "job", "runs" FROM "watcher_runs""#).all() {
                counts[try row.text("job")] = Int(try row.int("runs"))
            }
            return counts
        }
    }

    private static func perform(_ job: WatcherJob, _ database: any SQLDatabase) async throws -> Int {
        switch job {
        case .purgePolicyAudit(let before):
            return try await database.raw(
                #"DELETE FROM "policy_audit" WHERE "deletedAt" < \#(bind: before.microseconds) RETURNING "id""#
            ).all().count
        case .disableInactiveUsers(let before):
            let inactive: SQLQueryString = """
                "status" = 1 AND "isAdmin" = 0 AND COALESCE("loginedAt", "createdAt") < \(bind: before.microseconds)
                """
            guard try await database.raw(#"SELECT "id" FROM "user" WHERE "# + inactive + " LIMIT 1").first() != nil else { return 0 }
            // The revision row first, as every writer takes it (the same lock order, so no deadlock); then authz
            // servers drop the disabled users' secrets at this one revision.
            let revision = try await Revisions.next(database)
            let users = try await database.raw(
                #"UPDATE "user" SET "status" = 0, "updatedAt" = \#(bind: Timestamp.now().microseconds) WHERE "# + inactive + #" RETURNING "name""#
            ).all()
            for user in users {
                let name = try user.text("name")
                try await Revisions.record(database, revision: revision, kind: "user", username: name, name: name, op: "update")
            }
            return users.count
        }
    }

    /// A stable 32-bit key per job name for the advisory lock (FNV-1a; Swift's hashValue changes per process).
    static func jobKey(_ name: String) -> Int32 {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int32(bitPattern: hash)
    }
}
