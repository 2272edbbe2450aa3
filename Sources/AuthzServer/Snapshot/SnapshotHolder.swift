import Atomics

/// Where the current ``AuthzSnapshot`` lives. Readers load it with one atomic read and no lock; the follower swaps
/// in a new one. Nil until the first snapshot arrives (and `/healthz` says 503 until then).
public final class SnapshotHolder: Sendable {
    private let current = ManagedAtomic<Box?>(nil)

    public init() {}

    public var snapshot: AuthzSnapshot? { current.load(ordering: .acquiring)?.snapshot }

    public func replace(_ snapshot: AuthzSnapshot) {
        current.store(Box(snapshot), ordering: .releasing)
    }

    private final class Box: AtomicReference, Sendable {
        let snapshot: AuthzSnapshot
        init(_ snapshot: AuthzSnapshot) { self.snapshot = snapshot }
    }
}
