import Synchronization

/// Wakes the change feed's long polls when the store has a new revision: poked after every commit made by this
/// process and, on PostgreSQL, on every `NOTIFY iam_revision` from any apiserver sharing the database.
public final class RevisionSignal: Sendable {
    private let counter = Atomic<UInt64>(0)
    private let waiters = Mutex<(nextID: UInt64, waiting: [UInt64: CheckedContinuation<Void, Never>])>((0, [:]))

    public init() {}

    /// Changes with every poke; read it before checking the store, then wait for it to move.
    public var generation: UInt64 { counter.load(ordering: .acquiring) }

    /// Moves the generation and wakes every waiter at once.
    public func poke() {
        counter.add(1, ordering: .releasing)
        let woken = waiters.withLock { state in
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once `generation` differs from `seen`, or after `timeout`, or on cancellation.
    public func wait(after seen: UInt64, timeout: Duration) async {
        let id = waiters.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        // Checked under the lock poke() takes after moving the counter: a poke is never missed.
                        let now = self.waiters.withLock { state -> Bool in
                            if self.generation != seen || Task.isCancelled { return true }
                            state.waiting[id] = continuation
                            return false
                        }
                        if now { continuation.resume() }
                    }
                } onCancel: {
                    self.waiters.withLock { $0.waiting.removeValue(forKey: id) }?.resume()
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
