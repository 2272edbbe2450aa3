public import Prometheus
import IAMResources

/// The authz server's Prometheus metrics. Counter handles are made once per label and cached.
public final class AuthzMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// One counter per result, made up front: the decision path only reads this dictionary (no lock).
    private let decisions: [String: Counter]
    /// The two results of nearly every decision, without the dictionary lookup.
    private let allowed: Counter
    private let denied: Counter
    /// Seconds since the snapshot was last confirmed current by the apiserver (grows while it is unreachable).
    let snapshotAge: Gauge
    let snapshotRevision: Gauge
    let snapshotReloads: Counter
    let feedErrors: Counter
    let auditShipped: Counter
    let auditSpooled: Counter
    let auditDropped: Counter
    let auditPending: Gauge

    public init() {
        snapshotAge = registry.makeGauge(descriptor: Self.name("iam_authz_snapshot_age_seconds", "Seconds since the apiserver last confirmed the snapshot current"))
        snapshotRevision = registry.makeGauge(descriptor: Self.name("iam_authz_snapshot_revision", "Store revision the snapshot reflects"))
        snapshotReloads = registry.makeCounter(descriptor: Self.name("iam_authz_snapshot_loads_total", "Full snapshot loads (start, pruned change log, gaps)"))
        feedErrors = registry.makeCounter(descriptor: Self.name("iam_authz_feed_errors_total", "Failed calls to an apiserver's change feed"))
        auditShipped = registry.makeCounter(descriptor: Self.name("iam_authz_audit_records_shipped_total", "Audit records the apiserver accepted"))
        auditSpooled = registry.makeCounter(descriptor: Self.name("iam_authz_audit_records_spooled_total", "Audit records written to the local spool: no apiserver took them, or not as fast as decisions made them"))
        auditDropped = registry.makeCounter(descriptor: Self.name("iam_authz_audit_records_dropped_total", "Audit records lost: buffer full and spool unwritable"))
        auditPending = registry.makeGauge(descriptor: Self.name("iam_authz_audit_records_pending", "Audit records buffered in memory"))
        var decisions: [String: Counter] = [:]
        for result in ["allow", "deny"] + IAMErrorCode.all.map({ String($0.code) }) {
            decisions[result] = registry.makeCounter(
                descriptor: Self.name("iam_authz_decisions_total", "POST /v1/authz answers by result: allow, deny or the error code"),
                labels: [("result", result)])
        }
        self.decisions = decisions
        allowed = decisions["allow"]!
        denied = decisions["deny"]!
    }

    /// Counts one answered `POST /v1/authz` by result (`allow`, `deny` or an error code).
    func decided(_ result: String) {
        switch result {
        case "allow": allowed.increment()
        case "deny": denied.increment()
        default: decisions[result]?.increment()
        }
    }

    public var text: String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    private static func name(_ metric: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: metric, unitName: "", helpText: help)
    }
}
