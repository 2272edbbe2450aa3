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

/// Audit records ready to join the queue as one batch: its key, its records as one JSON array text (see
/// ``AuditBatchText``) and how many there are.
public struct AuditRecordBatch: Sendable {
    public let key: String
    public let arrayText: String
    public let count: Int

    /// The batch of `records`; an id repeated among them is kept once, at its first place.
    public init(_ records: [QueuedAuditRecord]) {
        var seen = Set<String>(minimumCapacity: records.count)
        let unique = records.filter { seen.insert($0.id).inserted }
        self.init(key: AuditBatchText.key(unique.lazy.map(\.id)), arrayText: AuditBatchText.arrayText(unique), count: unique.count)
    }

    /// A batch whose array text is already at hand: `arrayText` must be a JSON array of `count` elements
    /// `{"id":"…","record":{…}}` with distinct ids, as ``AuditBatchText/records(inArrayText:)`` reads it, and `key`
    /// ``AuditBatchText/key(_:)`` of those ids in order.
    public init(key: String, arrayText: String, count: Int) {
        self.key = key
        self.arrayText = arrayText
        self.count = count
    }
}

/// The audit pipeline's table: authz servers append (through the apiserver), `iam pump` drains.
public protocol AuditQueueStore: Sendable {
    /// Appends `batch` (an empty one is not stored). A batch already
    /// queued, the same record ids in the same order (``AuditBatchText/key(_:)``), is skipped: an authz server that
    /// did not see the answer sends the batch again, unchanged. Returns how many records were queued.
    @discardableResult
    func enqueueAuditBatch(_ batch: AuditRecordBatch) async throws -> Int
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

extension AuditQueueStore {
    /// Appends `records` as one batch (an id repeated within it is kept once, at its first place); see
    /// ``enqueueAuditBatch(_:)``.
    @discardableResult
    public func enqueueAuditRecords(_ records: [QueuedAuditRecord]) async throws -> Int {
        try await enqueueAuditBatch(AuditRecordBatch(records))
    }
}
