public import IAMResources
import SQLKit

extension SQLStore: AuditQueueStore {
    @discardableResult
    public func enqueueAuditRecords(_ records: [QueuedAuditRecord]) async throws -> Int {
        guard !records.isEmpty else { return 0 }
        let now = Timestamp.now().microseconds
        if engine == "postgres" {
            // The whole batch is one statement and one round trip (two arrays bound, however many records): each
            // round trip waits for CPU when the machine is busy, and with ten of them per batch the queue's intake
            // fell behind the decisions.
            let statement: SQLQueryString = """
                WITH "added" AS (INSERT INTO "audit_queue" ("id", "record", "queuedAt") \
                SELECT "id", "record", \(bind: now) FROM unnest(\(bind: records.map(\.id))::text[], \(bind: records.map(\.json))::text[]) \
                WITH ORDINALITY AS "batch"("id", "record", "position") ORDER BY "position" \
                ON CONFLICT ("id") DO NOTHING RETURNING 1) SELECT count(*) AS "added" FROM "added"
                """
            let row = try await backend.singleStatement { database in try await database.raw(statement).first() }
            return Int(try row.map { try $0.int("added") } ?? 0)
        }
        // Not a configuration change: no revision, no change log.
        return try await backend.transaction { database in
            var added = 0
            for chunk in records.chunked(200) {
                var statement: SQLQueryString = #"INSERT INTO "audit_queue" ("id", "record", "queuedAt") VALUES "#
                for (index, record) in chunk.enumerated() {
                    if index > 0 { statement += ", " }
                    statement += "(\(bind: record.id), \(bind: record.json), \(bind: now))"
                }
                statement += #" ON CONFLICT ("id") DO NOTHING RETURNING "seq""#
                added += try await database.raw(statement).all().count
            }
            return added
        }
    }

    public func drainAuditQueue(
        limit: Int, deliver: @Sendable ([QueuedAuditRecord]) async throws -> [AuditRecord]
    ) async throws -> Int {
        let select: SQLQueryString = #"SELECT "seq", "id", "record" FROM "audit_queue" ORDER BY "seq" LIMIT \#(bind: Int64(max(limit, 1)))"#
        if engine == "postgres" {
            // One transaction: rows another pump holds are skipped, and a pump that dies mid-batch leaves its rows queued.
            return try await backend.transaction { database in
                let rows = try await database.raw(select + " FOR UPDATE SKIP LOCKED").all()
                guard !rows.isEmpty else { return 0 }
                let archive = try await deliver(try Self.queued(rows))
                try await Self.finish(database, rows: rows, archive: archive)
                return rows.count
            }
        }
        // SQLite has one writer for every process: holding it while sinks write would stall the apiserver, so read,
        // deliver, then archive and delete in one short write (one pump per SQLite database; the pump takes a lock file).
        let rows = try await backend.read { database in try await database.raw(select).all() }
        guard !rows.isEmpty else { return 0 }
        let archive = try await deliver(try Self.queued(rows))
        try await backend.transaction { database in try await Self.finish(database, rows: rows, archive: archive) }
        return rows.count
    }

    private static func queued(_ rows: [any SQLRow]) throws -> [QueuedAuditRecord] {
        try rows.map { QueuedAuditRecord(id: try $0.text("id"), json: try $0.text("record")) }
    }

    /// Archives what the archive sink kept and deletes the delivered rows.
    private static func finish(_ database: any SQLDatabase, rows: [any SQLRow], archive: [AuditRecord]) async throws {
        try await insertArchive(database, archive)
        let sequence = try rows.map { try $0.int("seq") }
        for chunk in sequence.chunked(500) {
            var statement: SQLQueryString = #"DELETE FROM "audit_queue" WHERE "seq" IN ("#
            for (index, seq) in chunk.enumerated() { statement += index == 0 ? "\(bind: seq)" : ", \(bind: seq)" }
            try await database.raw(statement + ")").run()
        }
    }

    public func auditQueueLength() async throws -> Int {
        try await backend.read { database in
            Int(try await database.raw(#"SELECT COUNT(*) AS "n" FROM "audit_queue""#).first()?.int("n") ?? 0)
        }
    }

    private static func insertArchive(_ database: any SQLDatabase, _ records: [AuditRecord]) async throws {
        let now = Timestamp.now().microseconds
        for chunk in records.chunked(100) {
            var statement: SQLQueryString = """
                INSERT INTO "audit_archive" ("id", "timestamp", "username", "effect", "conclusion", "request", "policies",
                  "deciders", "expireAt", "archivedAt") VALUES 
                """
            for (index, record) in chunk.enumerated() {
                if index > 0 { statement += ", " }
                statement += """
                    (\(bind: record.id), \(bind: record.timestamp), \(bind: record.username), \(bind: record.effect),
                     \(bind: record.conclusion), \(bind: record.request), \(bind: record.policies), \(bind: record.deciders),
                     \(bind: record.expireAt), \(bind: now))
                    """
            }
            try await database.raw(statement + #" ON CONFLICT ("id") DO NOTHING"#).run()
        }
    }

    public func archivedAuditRecordCount() async throws -> Int {
        try await backend.read { database in
            Int(try await database.raw(#"SELECT COUNT(*) AS "n" FROM "audit_archive""#).first()?.int("n") ?? 0)
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
