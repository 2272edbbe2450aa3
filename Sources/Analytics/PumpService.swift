import IAMResources
public import IAMStore
public import Logging
import Prometheus
public import ServiceLifecycle

/// `iam pump`: takes batches off the audit queue and delivers each to every sink, in one store transaction per
/// batch. A sink that still fails after three attempts loses that batch (logged and counted per sink); when every
/// sink fails, the transaction rolls back and the batch stays queued for the next round. On PostgreSQL several
/// pumps share the queue without delivering a record twice (`FOR UPDATE SKIP LOCKED`).
public struct PumpService: Service {
    let store: any AuditQueueStore
    let sinks: [ConfiguredSink]
    /// `postgres`/`archive` sinks: written by the store in the transaction that removes the batch from the queue.
    let archives: [ConfiguredSink]
    let batchSize: Int
    let purgeDelay: Duration
    let metrics: PumpMetrics
    let logger: Logger
    /// SQLite: the lock file that keeps a second pump on the same database waiting.
    var lockPath: String?

    /// - Parameters:
    ///   - sinks: the sinks with their settings; `archives` are the settings of `postgres`/`archive` sinks.
    public init(store: any AuditQueueStore, sinks: [(SinkConfiguration, any AuditSink)], archives: [SinkConfiguration],
                omitDetailedRecording: Bool, batchSize: Int, purgeDelay: Duration, metrics: PumpMetrics, logger: Logger) {
        self.store = store
        self.sinks = sinks.map { ConfiguredSink(configuration: $0.0, sink: $0.1, omitDetailedEverywhere: omitDetailedRecording) }
        self.archives = archives.map { ConfiguredSink(configuration: $0, sink: nil, omitDetailedEverywhere: omitDetailedRecording) }
        self.batchSize = batchSize
        self.purgeDelay = purgeDelay
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        logger.notice("pump delivering to \((sinks + archives).map { "\($0.configuration.name) (\($0.configuration.type))" }.joined(separator: ", "))")
        var lock: FileLock?
        var toldWaiting = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if let lockPath, lock == nil {
                lock = try FileLock(path: lockPath)
                if lock == nil {
                    if !toldWaiting { logger.notice("another pump holds \(lockPath); waiting to take over (one pump per SQLite database)") }
                    toldWaiting = true
                    try? await Task.sleep(for: purgeDelay)
                    continue
                }
            }
            var delivered = 0
            do {
                // Drain while batches come back full; a round is never interrupted by shutdown.
                repeat { delivered = try await drainOnce() } while delivered == batchSize && !Task.isShuttingDownGracefully
            } catch {
                metrics.failedRounds.increment()
                logger.error("audit batch left in the queue: \(error)")
            }
            var slept = Duration.zero
            while slept < purgeDelay, !Task.isShuttingDownGracefully, !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                slept += .milliseconds(100)
            }
        }
        withExtendedLifetime(lock) {}
        logger.notice("pump stopped")
    }

    /// One batch through every sink; returns how many records left the queue.
    public func drainOnce() async throws -> Int {
        let sinks = sinks
        let archives = archives
        let metrics = metrics
        let logger = logger
        let count = try await store.drainAuditQueue(limit: batchSize) { queued in
            var records: [AuditRecord] = []
            records.reserveCapacity(queued.count)
            for item in queued {
                if let record = AuditRecord(id: item.id, json: item.json) { records.append(record) } else {
                    metrics.invalidRecords.increment()
                    logger.warning("queued record \(item.id) is not an audit record; skipped")
                }
            }
            let batch = records
            let failures = await withTaskGroup(of: Bool.self) { group in
                for sink in sinks {
                    group.addTask { await Self.deliver(batch, to: sink, metrics: metrics, logger: logger) }
                }
                return await group.reduce(0) { $0 + ($1 ? 0 : 1) }
            }
            if failures == sinks.count, !sinks.isEmpty, archives.isEmpty, !batch.isEmpty {
                throw SinkError("every sink failed; the batch stays queued")
            }
            var archived: [String: AuditRecord] = [:]
            for archive in archives {
                let selected = archive.select(batch)
                metrics.sinkCounter("iam_pump_sink_records_total", "Records a sink received (after its filters)", sink: archive.configuration.name)
                    .increment(by: Int64(selected.count))
                for record in selected where archived[record.id] == nil {
                    archived[record.id] = record
                }
            }
            return batch.compactMap { archived[$0.id] }
        }
        metrics.drainedRecords.increment(by: Int64(count))
        return count
    }

    private static func deliver(_ records: [AuditRecord], to sink: ConfiguredSink, metrics: PumpMetrics, logger: Logger) async -> Bool {
        let name = sink.configuration.name
        for attempt in 1...3 {
            do {
                try await sink.write(records)
                metrics.sinkCounter("iam_pump_sink_records_total", "Records a sink received (after its filters)", sink: name)
                    .increment(by: Int64(sink.select(records).count))
                return true
            } catch {
                metrics.sinkCounter("iam_pump_sink_errors_total", "Failed sink writes", sink: name).increment()
                logger.warning("sink \(name) failed (attempt \(attempt) of 3): \(error)")
                if attempt < 3 { try? await Task.sleep(for: .milliseconds(200 * attempt)) }
            }
        }
        logger.error("sink \(name) lost \(records.count) records after three failed attempts")
        return false
    }
}
