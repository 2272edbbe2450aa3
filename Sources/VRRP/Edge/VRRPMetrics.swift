import Prometheus

/// Prometheus metrics of every instance, cached handles (looked up once, not per packet).
final class VRRPMetrics: @unchecked Sendable {
    let registry = PrometheusCollectorRegistry()

    struct Handles {
        let state: Gauge
        let priority: Gauge
        let transitions: Counter
        let sent: Counter
        let received: Counter
        let drops: [String: Counter]
    }

    private var handles: [String: Handles] = [:]

    func register(instance name: String) {
        let labels = [("instance", name)]
        handles[name] = Handles(
            state: registry.makeGauge(name: "vrrp_state", labels: labels,
                                      help: "Instance state as keepalived numbers it: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT, 98 STOP"),
            priority: registry.makeGauge(name: "vrrp_effective_priority", labels: labels, help: "Priority after track weights"),
            transitions: registry.makeCounter(name: "vrrp_transitions_total", labels: labels, help: "State changes"),
            sent: registry.makeCounter(name: "vrrp_adverts_sent_total", labels: labels, help: "Advertisements sent"),
            received: registry.makeCounter(name: "vrrp_adverts_received_total", labels: labels, help: "Valid advertisements received"),
            drops: Dictionary(uniqueKeysWithValues: VRRPDropReason.allNames.map { reason in
                (reason, registry.makeCounter(name: "vrrp_dropped_packets_total", labels: labels + [("reason", reason)],
                                              help: "Packets dropped, by reason"))
            })
        )
    }

    subscript(instance name: String) -> Handles? { handles[name] }

    /// The exposition text.
    func text() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    static func stateNumber(_ state: VRRPState) -> Double {
        switch state {
        case .initialize: 0
        case .backup: 1
        case .master: 2
        case .fault: 3
        case .stop: 98
        }
    }
}
