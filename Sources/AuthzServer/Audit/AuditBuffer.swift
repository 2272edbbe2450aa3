import IAMResources
import Synchronization

/// Audit records between the decision path and the shipper. Sharded: each event loop appends to its own shard
/// (a short critical section nobody else contends for, except the shipper once per flush), so decisions on
/// different cores never wait for each other. Bounded: beyond `capacity` records are refused and counted, which
/// only happens when both the apiservers and the spool file have been failing for a long time.
final class AuditBuffer: Sendable {
    private final class Shard: Sendable {
        let records = Mutex<[AuditRecord]>([])
    }

    private let shards: [Shard]
    let capacity: Int

    init(capacity: Int, shards: Int = 16) {
        self.capacity = capacity
        self.shards = (0..<max(shards, 1)).map { _ in Shard() }
    }

    /// Appends to shard `key % shards` (callers pass something stable per thread, e.g. their event loop's
    /// identity). False when that shard is full and the record was not kept.
    func append(_ record: AuditRecord, key: Int = 0) -> Bool {
        let perShard = max(capacity / shards.count, 1)
        return shards[Int(UInt(bitPattern: key) % UInt(shards.count))].records.withLock { records in
            guard records.count < perShard else { return false }
            records.append(record)
            return true
        }
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
