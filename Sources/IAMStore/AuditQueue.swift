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
    /// Appends `records` as one batch (an id repeated within it is kept once, at its first place). A batch already
    /// queued, the same record ids in the same order (``AuditBatchText/key(_:)``), is skipped: an authz server that
    /// did not see the answer sends the batch again, unchanged. Returns how many records were queued.
    @discardableResult
    func enqueueAuditRecords(_ records: [QueuedAuditRecord]) async throws -> Int
    /// Takes the oldest batches, whole, up to `limit` records between them (at least one batch, however large), and
    /// hands their records to `deliver`; once it returns, archives the records it returns (the archive sink) and
    /// deletes the batches in one transaction. When `deliver` throws nothing is deleted.
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
