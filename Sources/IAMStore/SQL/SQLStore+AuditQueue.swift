public import IAMResources
import SQLKit

extension SQLStore: AuditQueueStore {
    @discardableResult
    public func enqueueAuditBatch(_ batch: AuditRecordBatch) async throws -> Int {
        guard batch.count > 0 else { return 0 }
        // Not a configuration change: no revision, no change log. One statement, so no transaction around it.
        let statement: SQLQueryString = """
            INSERT INTO "audit_batch" ("batch", "records", "count", "queuedAt") \
            VALUES (\(bind: batch.key), \(bind: batch.arrayText), \(bind: Int64(batch.count)), \
            \(bind: Timestamp.now().microseconds)) ON CONFLICT ("batch") DO NOTHING RETURNING "count"
            """
        let row = try await backend.singleStatement { database in try await database.raw(statement).first() }
        return row == nil ? 0 : batch.count
    }

    public func drainAuditQueue(
        limit: Int, deliver: @Sendable ([QueuedAuditRecord]) async throws -> [AuditRecord]
    ) async throws -> Int {
        if engine == "postgres" {
            // One transaction: batches another pump holds are skipped, and a pump that dies mid-batch leaves its
            // batches queued.
            return try await backend.transaction { database in
                let taken = try await Self.oldestBatches(database, limit: limit, lock: " FOR UPDATE SKIP LOCKED")
                guard !taken.isEmpty else { return 0 }
                let records = try await Self.records(database, of: taken)
                let archive = try await deliver(records)
                try await Self.finish(database, batches: taken, archive: archive)
                return records.count
            }
        }
        // SQLite has one writer for every process: holding it while sinks write would stall the apiserver, so read,
        // deliver, then archive and delete in one short write (one pump per SQLite database; the pump takes a lock file).
        let (taken, records) = try await backend.read { database in
            let taken = try await Self.oldestBatches(database, limit: limit, lock: "")
            return (taken, taken.isEmpty ? [] : try await Self.records(database, of: taken))
        }
        guard !taken.isEmpty else { return 0 }
        let archive = try await deliver(records)
        try await backend.transaction { database in try await Self.finish(database, batches: taken, archive: archive) }
        return records.count
    }

    /// The `seq` of the oldest batches holding at most `limit` records between them (at least one batch). On
    /// PostgreSQL `lock` locks them (and up to `limit` rows after them, released at commit), skipping locked ones.
    private static func oldestBatches(_ database: any SQLDatabase, limit: Int, lock: String) async throws -> [Int64] {
        let limit = max(limit, 1)
        let rows = try await database.raw(
            #"SELECT "seq", "count" FROM "audit_batch" ORDER BY "seq" LIMIT \#(bind: Int64(limit))\#(unsafeRaw: lock)"#
        ).all()
        var taken: [Int64] = []
        var records = 0
        for row in rows {
            let count = Int(try row.int("count"))
            if !taken.isEmpty, records + count > limit { break }
            taken.append(try row.int("seq"))
            records += count
        }
        return taken
    }

    /// The records of the batches `seq`, in queue order. The apiserver stores only text it has read; a batch that
    /// cannot be read (written to the table by other means) stops the pump with an error that names it.
    private static func records(_ database: any SQLDatabase, of batches: [Int64]) async throws -> [QueuedAuditRecord] {
        let rows = try await database.raw(
            #"SELECT "seq", "records" FROM "audit_batch" WHERE "seq" IN (\#(binds: batches)) ORDER BY "seq""#
        ).all()
        return try rows.flatMap { row in
            do {
                return try AuditBatchText.records(inArrayText: try row.text("records"))
            } catch let error as StoreError {
                throw StoreError("audit_batch row seq=\((try? row.int("seq")).map(String.init) ?? "?"): \(error.message)")
            }
        }
    }

    /// Archives what the archive sink kept and deletes the delivered batches.
    private static func finish(_ database: any SQLDatabase, batches: [Int64], archive: [AuditRecord]) async throws {
        try await insertArchive(database, archive)
        try await database.raw(#"DELETE FROM "audit_batch" WHERE "seq" IN (\#(binds: batches))"#).run()
    }

    public func auditQueueLength() async throws -> Int {
        try await backend.read { database in
            Int(try await database.raw(#"SELECT CAST(COALESCE(SUM("count"), 0) AS BIGINT) AS "n" FROM "audit_batch""#).first()?.int("n") ?? 0)
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
