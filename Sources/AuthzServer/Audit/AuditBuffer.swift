import IAMResources
import Synchronization

/// Audit records between the decision path and the shipper. Sharded: each event loop appends to its own shard
/// (a short critical section nobody else contends for, except the shipper once per flush), so decisions on
/// different cores never wait for each other. Bounded: when a shard is full (the shipper is starved of CPU or the
/// apiservers are slower than the decisions), its oldest quarter goes to `overflow` (the spool on disk) from the
/// event loop itself — a pause in overload instead of a lost record. Without an overflow, records beyond
/// `capacity` are refused.
final class AuditBuffer: Sendable {
    private final class Shard: Sendable {
        let records = Mutex<[AuditRecord]>([])
    }

    private let shards: [Shard]
    let capacity: Int
    /// Takes records a full shard sheds; true when it kept them (it counts its own failures).
    private let overflow: (@Sendable ([AuditRecord]) -> Bool)?

    init(capacity: Int, shards: Int = 16, overflow: (@Sendable ([AuditRecord]) -> Bool)? = nil) {
        self.capacity = capacity
        self.shards = (0..<max(shards, 1)).map { _ in Shard() }
        self.overflow = overflow
    }

    /// Appends to shard `key % shards` (callers pass something stable per thread, e.g. their event loop's
    /// identity). False when that shard is full, there is no overflow, and the record was not kept.
    func append(_ record: AuditRecord, key: Int = 0) -> Bool {
        let perShard = max(capacity / shards.count, 1)
        let canShed = overflow != nil
        let shed: [AuditRecord]? = shards[Int(UInt(bitPattern: key) % UInt(shards.count))].records.withLock { records in
            guard records.count >= perShard else {
                records.append(record)
                return nil
            }
            guard canShed else { return [] }
            let count = max(perShard / 4, 1)
            let oldest = Array(records.prefix(count))
            records.removeFirst(count)
            records.append(record)
            return oldest
        }
        guard let shed else { return true }
        guard let overflow, !shed.isEmpty else { return false }
        _ = overflow(shed)
        return true
    }

    var count: Int { shards.reduce(0) { $0 + $1.records.withLock { $0.count } } }

    /// Removes and returns up to `limit` records, oldest first within each shard.
    func take(_ limit: Int) -> [AuditRecord] {
        var batch: [AuditRecord] = []
        for shard in shards where batch.count < limit {
            shard.records.withLock { records in
                let room = limit - batch.count
                if records.count <= room {
                    batch += records
                    records.removeAll(keepingCapacity: true)
                } else {
                    batch += records.prefix(room)
                    records.removeFirst(room)
                }
            }
        }
        return batch
    }
}
