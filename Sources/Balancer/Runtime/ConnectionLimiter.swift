import Atomics
import NIOConcurrencyHelpers
import NIOCore
import Prometheus

/// The process-wide cap on client connections: HAProxy's `global maxconn`, nginx's `worker_connections`. At the
/// cap every listener stops accepting, so new connections wait in the kernel's backlog (as with HAProxy) until one
/// closes; a connection that slips past the pause (another event loop accepted at the same instant) is closed at
/// once. Without a configured cap nothing is counted against a limit.
final class ConnectionLimiter: Sendable {
    let limit: Int?
    private let current = ManagedAtomic<Int>(0)
    private let paused = ManagedAtomic<Bool>(false)
    private let listeners = NIOLockedValueBox<[any Channel]>([])
    private let pauses: Counter
    private let open: Gauge

    init(limit: Int?, metrics: BalancerMetrics) {
        self.limit = limit.flatMap { $0 > 0 ? $0 : nil }
        pauses = metrics.registry.makeCounter(descriptor: .init(metricName: "iam_lb_listener_pauses_total", unitName: "",
                                                                helpText: "Times the listeners stopped accepting at the connection limit (maxconn)."))
        open = metrics.registry.makeGauge(descriptor: .init(metricName: "iam_lb_client_connections", unitName: "",
                                                            helpText: "Client connections open now, all frontends."))
    }

    func register(_ listener: any Channel) {
        listeners.withLockedValue { $0.append(listener) }
    }

    /// A client connection was accepted. False when it is over the limit and must be closed.
    func opened() -> Bool {
        let count = current.wrappingIncrementThenLoad(ordering: .relaxed)
        open.set(Double(count))
        guard let limit else { return true }
        if count >= limit, paused.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            pauses.increment()
            setAccepting(false)
        }
        return count <= limit
    }

    /// A client connection closed (also one refused by ``opened()``).
    func closed() {
        let count = current.wrappingDecrementThenLoad(ordering: .relaxed)
        open.set(Double(count))
        guard let limit else { return }
        if count < limit, paused.compareExchange(expected: true, desired: false, ordering: .relaxed).exchanged {
            setAccepting(true)
        }
    }

    private func setAccepting(_ accepting: Bool) {
        for listener in listeners.withLockedValue({ $0 }) {
            listener.setOption(ChannelOptions.autoRead, value: accepting).whenFailure { _ in }
        }
    }
}
