public import Prometheus
import Synchronization

/// `iam pump`'s own metrics, on its health listener's `/metrics`.
public final class PumpMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let perSink = Mutex<[String: Counter]>([:])
    let invalidRecords: Counter
    let drainedRecords: Counter
    let failedRounds: Counter

    public init() {
        invalidRecords = registry.makeCounter(descriptor: .init(metricName: "iam_pump_invalid_records_total", unitName: "", helpText: "Queued records that were not audit records (skipped)"))
        drainedRecords = registry.makeCounter(descriptor: .init(metricName: "iam_pump_drained_records_total", unitName: "", helpText: "Records taken off the queue"))
        failedRounds = registry.makeCounter(descriptor: .init(metricName: "iam_pump_failed_batches_total", unitName: "", helpText: "Batches left in the queue because every sink failed or the store did"))
    }

    func sinkCounter(_ metric: String, _ help: String, sink: String) -> Counter {
        perSink.withLock { cache in
            let key = metric + "/" + sink
            if let counter = cache[key] { return counter }
            let counter = registry.makeCounter(descriptor: .init(metricName: metric, unitName: "", helpText: help), labels: [("sink", sink)])
            cache[key] = counter
            return counter
        }
    }

    public var text: String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
