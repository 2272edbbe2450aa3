public import IAMResources
public import Prometheus
import Synchronization

/// The `prometheus` sink: `iam_user_authorization_status_total{code,username}` — code `0` for allow, `1`
/// otherwise — served on the sink's own `meta.listen_address` and `meta.path` (default `/metrics`).
public final class PrometheusSink: AuditSink {
    public let registry = PrometheusCollectorRegistry()
    private let counters = Mutex<[String: Counter]>([:])

    public init() {}

    public func write(_ records: [AuditRecord]) async throws {
        for record in records {
            let code = record.effect == "allow" ? "0" : "1"
            let key = code + "\u{0}" + record.username
            let counter = counters.withLock { cache in
                if let counter = cache[key] { return counter }
                let counter = registry.makeCounter(
                    descriptor: MetricNameDescriptor(
                        metricName: "iam_user_authorization_status_total", unitName: "",
                        helpText: "Authorization decisions by user: code 0 allowed, 1 denied"),
                    labels: [("code", code), ("username", record.username)])
                cache[key] = counter
                return counter
            }
            counter.increment()
        }
    }

    public var text: String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
