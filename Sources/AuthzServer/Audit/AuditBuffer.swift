import Atomics
import Synchronization

/// Audit lines between the decision path and the shipper. Sharded: each event loop appends to its own shard
/// (a short critical section nobody else contends for, except the shipper once per flush), so decisions on
/// different cores never wait for each other. Bounded: when a shard is full (the shipper is starved of CPU or the
/// apiservers are slower than the decisions), its oldest quarter goes to `overflow` (the spool on disk) from the
/// event loop itself — a pause in overload instead of a lost line. Without an overflow, lines beyond
/// `capacity` are refused.
///
/// The buffer rings ``arrivals`` when its first line comes in and when it holds a full batch, and ``backlog`` when it
/// holds ``backlogLimit`` lines, so the shipper sleeps until there is work instead of polling.
final class AuditBuffer: Sendable {
    private final class Shard: Sendable {
        let lines = Mutex<[AuditLine]>([])
    }

    private let shards: [Shard]
    let capacity: Int
    /// Takes lines a full shard sheds; true when it kept them (it counts its own failures).
    private let overflow: (@Sendable ([AuditLine]) -> Bool)?
    /// Lines held, over all shards; changed under the lock of the shard that changed (so exact when nobody is
    /// appending), and only ever raised one at a time, so a threshold is crossed exactly when it is reached.
    private let held = ManagedAtomic(0)
    /// The lines the shipper sends at once.
    let batchSize: Int
    /// Rung when the buffer goes from empty to one line and when it reaches `batchSize` lines.
    let arrivals = AuditDoorbell()
    /// From this many lines on, the shipper moves the backlog to the spool.
    var backlogLimit: Int { batchSize * 4 }
    /// Rung when the buffer reaches `backlogLimit` lines.
    let backlog = AuditDoorbell()

    init(capacity: Int, shards: Int = 16, batchSize: Int = 1000, overflow: (@Sendable ([AuditLine]) -> Bool)? = nil) {
        self.capacity = capacity
        self.shards = (0..<max(shards, 1)).map { _ in Shard() }
        self.batchSize = max(batchSize, 1)
        self.overflow = overflow
    }

    /// Appends to shard `key % shards` (callers pass something stable per thread, e.g. their event loop's
    /// identity). False when that shard is full, there is no overflow, and the line was not kept.
    func append(_ line: AuditLine, key: Int = 0) -> Bool {
        let perShard = max(capacity / shards.count, 1)
        let canShed = overflow != nil
        let shed: [AuditLine]? = shards[Int(UInt(bitPattern: key) % UInt(shards.count))].lines.withLock { lines in
            guard lines.count >= perShard else {
                lines.append(line)
                ringOnThreshold(held.wrappingIncrementThenLoad(ordering: .relaxed))
                return nil
            }
            guard canShed else { return [] }
            let count = max(perShard / 4, 1)
            let oldest = Array(lines.prefix(count))
            lines.removeFirst(count)
            lines.append(line)
            held.wrappingDecrement(by: count - 1, ordering: .relaxed)
            return oldest
        }
        guard let shed else { return true }
        guard let overflow, !shed.isEmpty else { return false }
        _ = overflow(shed)
        return true
    }

    private func ringOnThreshold(_ held: Int) {
        if held == 1 || held == batchSize { arrivals.ring() }
        if held == backlogLimit { backlog.ring() }
    }

    var count: Int { held.load(ordering: .relaxed) }

    /// Removes and returns up to `limit` lines, oldest first within each shard.
    func take(_ limit: Int) -> [AuditLine] {
        var batch: [AuditLine] = []
        for shard in shards where batch.count < limit {
            shard.lines.withLock { lines in
                let room = limit - batch.count
                let taken = min(lines.count, room)
                if lines.count <= room {
                    batch += lines
                    lines.removeAll(keepingCapacity: true)
                } else {
                    batch += lines.prefix(room)
                    lines.removeFirst(room)
                }
                held.wrappingDecrement(by: taken, ordering: .relaxed)
            }
        }
        return batch
    }
}
