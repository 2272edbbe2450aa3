import IAMResources
import Atomics
import Logging
import NIOCore
import NIOHTTP1
import Prometheus

/// Moves audit records from the ``AuditBuffer`` to the apiservers' queue (`POST /internal/v1/audit`) in batches,
/// `flushInterval` after a record came in or sooner when a batch is full; asleep while there is nothing to send. A
/// batch no apiserver takes goes to the ``AuditSpool`` on disk; the spool is replayed first once an apiserver answers
/// again (``ReplaySchedule``). On shutdown whatever is buffered is sent or spooled, so stopping or restarting an
/// apiserver loses no record.
struct AuditShipper: Sendable {
    let buffer: AuditBuffer
    let spool: AuditSpool
    let link: APIServerLink
    let metrics: AuthzMetrics
    let flushInterval: TimeAmount
    let logger: Logger
    /// A batch is split so no request body exceeds this.
    static let maxBatchBytes = 4 << 20
    /// The records sent at once (the buffer's full batch).
    var batchSize: Int { buffer.batchSize }

    /// Ships until `stop` is set (or the task is cancelled), then flushes what is left.
    func run(until stop: ManagedAtomic<Bool>) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await spillBacklog(until: stop) }
            await ship(until: stop)
            group.cancelAll()
        }
        await flush()
    }

    private func ship(until stop: ManagedAtomic<Bool>) async {
        let timers = link.eventLoop
        var replay = ReplaySchedule(interval: flushInterval)
        while !Task.isCancelled, !stop.load(ordering: .acquiring) {
            // The spool goes first, but only while live traffic leaves room for it.
            if buffer.count < batchSize, spool.hasRecords, replay.isDue(.now()) {
                replay.record(await replaySpool(), at: .now())
            }
            if buffer.count == 0 {
                // Asleep until a record comes in; with a spool left to deliver, until the next replay is due.
                await buffer.arrivals.wait(until: spool.hasRecords ? max(replay.next, .now() + flushInterval) : nil, timers: timers)
                continue
            }
            // A record is waiting: it goes out when a batch is full or an interval after now, whichever is first.
            let deadline = NIODeadline.now() + flushInterval
            while buffer.count < batchSize, NIODeadline.now() < deadline, !Task.isCancelled, !stop.load(ordering: .relaxed) {
                await buffer.arrivals.wait(until: deadline, timers: timers)
            }
            metrics.auditPending.set(Double(buffer.count))
            let batch = buffer.take(batchSize)
            if !batch.isEmpty { await ship(batch.map(\.bytes)) }
        }
    }

    /// Wakes the shipper to see that `stop` is set.
    func wake() { buffer.arrivals.ring() }

    /// When decisions make records faster than the apiservers take them, the excess goes to disk instead of
    /// filling memory (and, at the buffer's limit, being shed from the event loops); it is replayed once traffic
    /// allows. Runs beside the shipping loop, so a slow apiserver call does not hold it up.
    private func spillBacklog(until stop: ManagedAtomic<Bool>) async {
        while !Task.isCancelled, !stop.load(ordering: .relaxed) {
            let backlog = buffer.count
            if backlog >= buffer.backlogLimit {
                keep(buffer.take(backlog - batchSize))
            } else {
                await buffer.backlog.wait(until: nil, timers: link.eventLoop)
            }
        }
    }

    /// Sends or spools everything still buffered (shutdown).
    func flush() async {
        while true {
            let batch = buffer.take(batchSize)
            if batch.isEmpty { break }
            await ship(batch.map(\.bytes))
        }
        metrics.auditPending.set(0.0)
    }

    /// Sends the lines in batches; the batches not delivered go to the spool.
    private func ship(_ lines: [[UInt8]]) async {
        let unsent = await send(AuditBatchBody.batches(of: lines, maxBytes: Self.maxBatchBytes))
        if !unsent.isEmpty { _ = Self.keep(unsent, in: spool, metrics: metrics, logger: logger) }
    }

    /// Sends the batches in order; returns the one an apiserver did not take and those after it. `fromSpool`: they
    /// are being replayed, so what is not delivered stays where it is (the warning says so).
    private func send(_ batches: [AuditBatchBody], fromSpool: Bool = false) async -> ArraySlice<AuditBatchBody> {
        for (index, batch) in batches.enumerated() {
            do {
                let answer = try await link.call(.POST, "/internal/v1/audit", body: batch.bytes, timeout: .seconds(10))
                guard answer.status == 200 else {
                    logger.error("apiserver refused \(batch.count) audit records: HTTP \(answer.status) \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
                    return batches[index...]
                }
                metrics.auditShipped.increment(by: Int64(batch.count))
            } catch {
                logger.warning(fromSpool
                    ? "spooled audit records not delivered (\(error)); they stay in \(spool.path) for the next try"
                    : "audit records not delivered (\(error)); spooling them to \(spool.path)")
                return batches[index...]
            }
        }
        return []
    }

    /// Writes records nobody took to the spool; if even that fails they are counted as dropped.
    private func keep(_ batch: [AuditLine]) {
        _ = Self.keep(batch, in: spool, metrics: metrics, logger: logger)
    }

    /// Writes `batch` to `spool` (also the buffer's overflow); false, counted and logged, when the spool failed.
    static func keep(_ batch: [AuditLine], in spool: AuditSpool, metrics: AuthzMetrics, logger: Logger) -> Bool {
        keep(AuditBatchBody.batches(of: batch.lazy.map(\.bytes), maxBytes: maxBatchBytes), in: spool, metrics: metrics, logger: logger)
    }

    /// Writes batches to `spool` as they are, so that a batch an apiserver may have queued is sent again unchanged.
    private static func keep(
        _ batches: some Collection<AuditBatchBody>, in spool: AuditSpool, metrics: AuthzMetrics, logger: Logger
    ) -> Bool {
        let count = batches.reduce(0) { $0 + $1.count }
        do {
            try spool.append(Array(batches))
            metrics.auditSpooled.increment(by: Int64(count))
            return true
        } catch {
            metrics.auditDropped.increment(by: Int64(count))
            logger.error("\(count) audit records lost: \(error)")
            return false
        }
    }

    /// How a replay of the spool ended; a paused or failed replay resumes where it stopped.
    enum ReplayOutcome: Equatable {
        case delivered, pausedForLiveTraffic, failed
    }

    private func replaySpool() async -> ReplayOutcome {
        do {
            guard try spool.beginReplay() else { return .delivered }
            var replayed = 0
            while let (lines, end) = try spool.nextChunk(maxBytes: Self.maxBatchBytes) {
                // Not delivered: the chunk stays in the file and is sent again, batch by batch the same.
                let batches = AuditBatchBody.replayed(lines, maxBytes: Self.maxBatchBytes)
                guard await send(batches, fromSpool: true).isEmpty else { return .failed }
                try spool.commit(offset: end)
                replayed += batches.reduce(0) { $0 + $1.count }
                if buffer.count >= batchSize {
                    logger.info("replayed \(replayed) spooled audit records; pausing for live traffic")
                    return .pausedForLiveTraffic
                }
            }
            spool.finishReplay()
            if replayed > 0 { logger.notice("replayed \(replayed) spooled audit records") }
            return .delivered
        } catch {
            logger.error("audit spool: \(error)")
            return .failed
        }
    }
}
