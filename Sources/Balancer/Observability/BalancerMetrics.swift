public import Prometheus

/// Every metric of `iam lb`, made up front so the request path only increments atomics.
public final class BalancerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    public init() {}

    public func frontend(_ name: String) -> FrontendMetrics { FrontendMetrics(registry: registry, name: name) }
    public func backend(_ name: String) -> BackendMetrics { BackendMetrics(registry: registry, name: name) }
    public func server(backend: String, name: String) -> ServerMetrics { ServerMetrics(registry: registry, backend: backend, name: name) }

    /// The exposition text for `/metrics`.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// Response counters by class (1xx … 5xx, other).
public struct ResponseClassCounters: Sendable {
    let classes: [Counter]

    init(registry: PrometheusCollectorRegistry, name: String, labels: [(String, String)], help: String) {
        classes = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"].map { code in
            registry.makeCounter(descriptor: descriptor(name, help), labels: labels + [("code", code)])
        }
    }

    public func record(status: Int) {
        let index = (100...599).contains(status) ? status / 100 - 1 : 5
        classes[index].increment()
    }
}

public struct FrontendMetrics: Sendable {
    public let connections: Counter
    public let currentConnections: Gauge
    public let requests: Counter
    public let responses: ResponseClassCounters
    public let bytesIn: Counter
    public let bytesOut: Counter
    /// Requests refused before reaching a backend (malformed, too large, timed out, denied).
    public let deniedRequests: Counter

    init(registry: PrometheusCollectorRegistry, name: String) {
        let labels = [("proxy", name)]
        connections = registry.makeCounter(descriptor: descriptor("iam_lb_frontend_connections_total", "Client connections accepted."), labels: labels)
        currentConnections = registry.makeGauge(descriptor: descriptor("iam_lb_frontend_current_connections", "Client connections open now."), labels: labels)
        requests = registry.makeCounter(descriptor: descriptor("iam_lb_frontend_http_requests_total", "HTTP requests received."), labels: labels)
        responses = ResponseClassCounters(registry: registry, name: "iam_lb_frontend_http_responses_total", labels: labels, help: "HTTP responses sent, by status class.")
        bytesIn = registry.makeCounter(descriptor: descriptor("iam_lb_frontend_bytes_in_total", "Request body bytes received from clients."), labels: labels)
        bytesOut = registry.makeCounter(descriptor: descriptor("iam_lb_frontend_bytes_out_total", "Response body bytes sent to clients."), labels: labels)
        deniedRequests = registry.makeCounter(descriptor: descriptor("iam_lb_frontend_requests_denied_total", "Requests answered by the load balancer with an error."), labels: labels)
    }
}

public struct BackendMetrics: Sendable {
    public let requests: Counter
    public let responses: ResponseClassCounters
    public let connectionErrors: Counter
    public let retries: Counter
    public let redispatches: Counter
    public let noServer: Counter
    /// Requests waiting for a server with a free slot (HAProxy's `qcur`), and those that gave up.
    public let queued: Gauge
    public let queueTimeouts: Counter

    init(registry: PrometheusCollectorRegistry, name: String) {
        let labels = [("proxy", name)]
        requests = registry.makeCounter(descriptor: descriptor("iam_lb_backend_http_requests_total", "Requests sent to the backend."), labels: labels)
        responses = ResponseClassCounters(registry: registry, name: "iam_lb_backend_http_responses_total", labels: labels, help: "Responses from the backend, by status class.")
        connectionErrors = registry.makeCounter(descriptor: descriptor("iam_lb_backend_connection_errors_total", "Failed connection attempts."), labels: labels)
        retries = registry.makeCounter(descriptor: descriptor("iam_lb_backend_retry_warnings_total", "Attempts retried."), labels: labels)
        redispatches = registry.makeCounter(descriptor: descriptor("iam_lb_backend_redispatch_warnings_total", "Attempts moved to another server."), labels: labels)
        noServer = registry.makeCounter(descriptor: descriptor("iam_lb_backend_no_server_total", "Requests that found no available server."), labels: labels)
        queued = registry.makeGauge(descriptor: descriptor("iam_lb_backend_current_queue", "Requests waiting because every available server is at its maxconn."), labels: labels)
        queueTimeouts = registry.makeCounter(descriptor: descriptor("iam_lb_backend_queue_timeouts_total", "Queued requests that got 503 after timeout queue."), labels: labels)
    }
}

public struct ServerMetrics: Sendable {
    public let requests: Counter
    public let responses: ResponseClassCounters
    public let failures: Counter
    public let up: Gauge
    public let activeRequests: Gauge
    public let idleConnections: Gauge
    public let checkDuration: Gauge
    public let checkFailures: Counter
    public let bytesIn: Counter
    public let bytesOut: Counter

    init(registry: PrometheusCollectorRegistry, backend: String, name: String) {
        let labels = [("proxy", backend), ("server", name)]
        requests = registry.makeCounter(descriptor: descriptor("iam_lb_server_http_requests_total", "Requests sent to the server."), labels: labels)
        responses = ResponseClassCounters(registry: registry, name: "iam_lb_server_http_responses_total", labels: labels, help: "Responses from the server, by status class.")
        failures = registry.makeCounter(descriptor: descriptor("iam_lb_server_failures_total", "Failed attempts (connect errors, resets, timeouts, invalid responses)."), labels: labels)
        up = registry.makeGauge(descriptor: descriptor("iam_lb_server_up", "1 when the server takes traffic, 0 when it is down or disabled."), labels: labels)
        activeRequests = registry.makeGauge(descriptor: descriptor("iam_lb_server_current_requests", "Requests in flight."), labels: labels)
        idleConnections = registry.makeGauge(descriptor: descriptor("iam_lb_server_idle_connections", "Idle kept-alive connections to the server."), labels: labels)
        checkDuration = registry.makeGauge(descriptor: descriptor("iam_lb_server_check_duration_seconds", "Duration of the last health check."), labels: labels)
        checkFailures = registry.makeCounter(descriptor: descriptor("iam_lb_server_check_failures_total", "Failed health checks."), labels: labels)
        bytesIn = registry.makeCounter(descriptor: descriptor("iam_lb_server_bytes_in_total", "Request body bytes sent to the server."), labels: labels)
        bytesOut = registry.makeCounter(descriptor: descriptor("iam_lb_server_bytes_out_total", "Response body bytes received from the server."), labels: labels)
    }
}

private func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
}
