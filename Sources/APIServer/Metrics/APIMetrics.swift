public import Prometheus
public import IAMStore
import Synchronization

/// The apiserver's Prometheus metrics: requests by route and status, latency by route, store calls in flight.
/// Handles are made once per label set and cached, never looked up by name per request.
public final class APIMetrics: StoreObserver {
    public let registry = PrometheusCollectorRegistry()
    private let counters = Mutex<[String: Counter]>([:])
    private let histograms = Mutex<[String: DurationHistogram]>([:])
    let storeInFlight: Gauge
    let storeErrors: Counter
    let storeUp: Gauge
    let storeDuration: DurationHistogram
    private static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
    ]

    public init() {
        storeInFlight = registry.makeGauge(descriptor: Self.name("iam_store_operations_in_flight", "Store calls waiting for or holding a connection"))
        storeErrors = registry.makeCounter(descriptor: Self.name("iam_store_errors_total", "Store calls that failed (not counting not-found and duplicates)"))
        storeUp = registry.makeGauge(descriptor: Self.name("iam_store_up", "1 when the last health check reached the store"))
        storeDuration = registry.makeDurationHistogram(
            descriptor: Self.name("iam_store_call_duration_seconds", "Store calls from asking for a connection to the end of the statement or transaction"),
            buckets: Self.buckets)
    }

    private static func name(_ metric: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: metric, unitName: "", helpText: help)
    }

    public func storeCallStarted() { storeInFlight.increment() }

    public func storeCallFinished(duration: Duration, failed: Bool) {
        storeInFlight.decrement()
        storeDuration.record(duration)
        if failed { storeErrors.increment() }
    }

    /// Counts one finished request.
    func record(route: String, method: String, status: Int, duration: Duration) {
        let key = route + " " + method + " " + String(status)
        let counter = counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.name("iam_http_requests_total", "HTTP requests by route template, method and status"),
                labels: [("route", route), ("method", method), ("status", String(status))])
            cache[key] = counter
            return counter
        }
        counter.increment()
        let histogram = histograms.withLock { cache in
            if let histogram = cache[route] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: Self.name("iam_http_request_duration_seconds", "Time from request head to response, by route template"),
                labels: [("route", route)], buckets: Self.buckets)
            cache[route] = histogram
            return histogram
        }
        histogram.record(duration)
    }

    /// The exposition text.
    public func text() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
