import IAMResources
import Atomics
import Logging
import NIOCore
import NIOHTTP1
import Prometheus

/// Moves audit records from the ``AuditBuffer`` to the apiservers' queue (`POST /internal/v1/audit`) in batches,
/// every `flushInterval` or sooner when a batch is full. A batch no apiserver takes goes to the ``AuditSpool`` on
/// disk; the spool is replayed first once an apiserver answers again. On shutdown whatever is buffered is sent or
/// spooled, so stopping or restarting an apiserver loses no record.
struct AuditShipper: Sendable {
    let buffer: AuditBuffer
    let spool: AuditSpool
    let link: APIServerLink
    let metrics: AuthzMetrics
    let batchSize: Int
    let flushInterval: Duration
    let logger: Logger
    /// A batch is split so no request body exceeds this.
    static let maxBatchBytes = 4 << 20

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
        while !Task.isCancelled, !stop.load(ordering: .acquiring) {
            // The spool goes first, but only while live traffic leaves room for it.
            if buffer.count < batchSize, spool.hasRecords { _ = await replaySpool() }
            var waited = Duration.zero
            while buffer.count < batchSize, waited < flushInterval, !Task.isCancelled, !stop.load(ordering: .relaxed) {
                try? await Task.sleep(for: .milliseconds(5))
                waited += .milliseconds(5)
            }
            metrics.auditPending.set(Double(buffer.count))
            let batch = buffer.take(batchSize)
            if !batch.isEmpty, await !ship(batch.map(\.text)) { keep(batch) }
        }
    }

    /// When decisions make records faster than the apiservers take them, the excess goes to disk instead of
    /// filling memory (and, at the buffer's limit, being dropped); it is replayed once traffic allows. Runs beside
    /// the shipping loop, so a slow apiserver call does not hold it up.
    private func spillBacklog(until stop: ManagedAtomic<Bool>) async {
        while !Task.isCancelled, !stop.load(ordering: .relaxed) {
            try? await Task.sleep(for: .milliseconds(20))
            let backlog = buffer.count
            if backlog > batchSize * 4 { keep(buffer.take(backlog - batchSize)) }
        }
    }

    /// Sends or spools everything still buffered (shutdown).
    func flush() async {
        while true {
            let batch = buffer.take(batchSize)
            if batch.isEmpty { break }
            if await !ship(batch.map(\.text)) { keep(batch) }
        }
        metrics.auditPending.set(0.0)
    }

    /// True when the apiservers took every line.
    private func ship(_ lines: [String]) async -> Bool {
        var start = 0
        while start < lines.count {
            var end = start
            var bytes = 16
            while end < lines.count, end == start || bytes + lines[end].utf8.count < Self.maxBatchBytes {
                bytes += lines[end].utf8.count + 1
                end += 1
            }
            // The lines are copied once, into the body.
            var body: [UInt8] = []
            body.reserveCapacity(bytes + 2)
            body += "{\"records\":[".utf8
            for (index, line) in lines[start..<end].enumerated() {
                if index > 0 { body.append(UInt8(ascii: ",")) }
                body += line.utf8
            }
            body += "]}".utf8
            do {
                let answer = try await link.call(.POST, "/internal/v1/audit", body: body, timeout: .seconds(10))
                guard answer.status == 200 else {
                    logger.error("apiserver refused \(end - start) audit records: HTTP \(answer.status) \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
                    return false
                }
                metrics.auditShipped.increment(by: Int64(end - start))
            } catch {
                logger.warning("audit records not delivered (\(error)); spooling them to \(spool.path)")
                return false
            }
            start = end
        }
        return true
    }

    /// Writes a batch nobody took to the spool; if even that fails the records are counted as dropped.
    private func keep(_ batch: [AuditLine]) {
        _ = Self.keep(batch, in: spool, metrics: metrics, logger: logger)
    }

    /// Writes `batch` to `spool` (also the buffer's overflow); false, counted and logged, when the spool failed.
    static func keep(_ batch: [AuditLine], in spool: AuditSpool, metrics: AuthzMetrics, logger: Logger) -> Bool {
        do {
            try spool.append(batch.map(\.text))
            metrics.auditSpooled.increment(by: Int64(batch.count))
            return true
        } catch {
            metrics.auditDropped.increment(by: Int64(batch.count))
            logger.error("\(batch.count) audit records lost: \(error)")
            return false
        }
    }

    /// True when the spool was delivered and emptied; false when an apiserver failed or live traffic needs the
    /// shipper (the replay resumes where it stopped).
    private func replaySpool() async -> Bool {
        do {
            guard try spool.beginReplay() else { return true }
            var replayed = 0
            while let (lines, end) = try spool.nextChunk(maxBytes: Self.maxBatchBytes) {
                guard await ship(lines) else { return false }
                try spool.commit(offset: end)
                replayed += lines.count
                if buffer.count >= batchSize {
                    logger.info("replayed \(replayed) spooled audit records; pausing for live traffic")
                    return false
                }
            }
            spool.finishReplay()
            if replayed > 0 { logger.notice("replayed \(replayed) spooled audit records") }
            return true
        } catch {
            logger.error("audit spool: \(error)")
            return false
        }
    }
}
