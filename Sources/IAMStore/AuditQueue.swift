public import IAMResources

/// One audit record waiting in the queue: its unique id and JSON text.
public struct QueuedAuditRecord: Sendable, Equatable {
    public var id: String
    public var json: String

    public init(id: String, json: String) {
        self.id = id
        self.json = json
    }
}

/// The audit pipeline's table: authz servers append (through the apiserver), `iam pump` drains.
public protocol AuditQueueStore: Sendable {
    /// Appends records; ids already queued are skipped. Returns how many were new.
    @discardableResult
    func enqueueAuditRecords(_ records: [QueuedAuditRecord]) async throws -> Int
    /// Takes up to `limit` of the oldest records and hands them to `deliver`; once it returns, archives the rows it
    /// returns (the archive sink) and deletes the batch in one transaction. When `deliver` throws nothing is deleted.
    /// On PostgreSQL the whole batch is one transaction and rows another pump holds are skipped (`FOR UPDATE SKIP
    /// LOCKED`), so two pumps never deliver the same record; on SQLite run one pump per database. Returns how many
    /// records left the queue.
    func drainAuditQueue(
        limit: Int, deliver: @Sendable ([QueuedAuditRecord]) async throws -> [AuditRecord]
    ) async throws -> Int
    func auditQueueLength() async throws -> Int
    /// How many records the archive sink holds.
    func archivedAuditRecordCount() async throws -> Int
}
