import Synchronization

/// Wakes the change feed's long polls when the store has a new revision: poked after every commit made by this
/// process and, on PostgreSQL, on every `NOTIFY iam_revision` from any apiserver sharing the database.
public final class RevisionSignal: Sendable {
    private let counter = Atomic<UInt64>(0)

    public init() {}

    /// Changes with every poke; read it before checking the store, then wait for it to move.
    public var generation: UInt64 { counter.load(ordering: .acquiring) }

    public func poke() { counter.add(1, ordering: .releasing) }

    /// Returns once `generation` differs from `seen`, or after `timeout`, or on cancellation. Checks every 5 ms:
    /// no continuation bookkeeping to get wrong, and a wake-up costs one atomic load.
    public func wait(after seen: UInt64, timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while generation == seen, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
