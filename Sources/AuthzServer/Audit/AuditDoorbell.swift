import NIOCore
import Synchronization

/// Wakes one waiting task. The audit shipper sleeps on one instead of polling the buffer: an idle authz server then
/// wakes up for nothing (polling every 5 ms took about 5 % of a core on this machine, most of it thread switches),
/// and under load it wakes once per batch.
///
/// A ring nobody is waiting for is kept and ends the next wait at once, so a ring that comes between a waiter's
/// last look at the buffer and its call to ``wait(until:timers:)`` is not lost.
final class AuditDoorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Numbers the waits, so that the deadline of an earlier wait cannot end a later one.
        var wait: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Wakes the task waiting now, or else ends the next wait at once.
    func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when rung (or rung since the last wait returned), at `deadline` (nil: no deadline), or when the
    /// task is cancelled. `timers` is the event loop that keeps the deadline.
    func wait(until deadline: NIODeadline?, timers: any EventLoop) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let number: UInt64? = state.withLock { state in
                    if state.rung {
                        state.rung = false
                        return nil
                    }
                    state.wait &+= 1
                    state.waiter = continuation
                    return state.wait
                }
                guard let number else { return continuation.resume() }
                if let deadline {
                    timers.scheduleTask(deadline: deadline) { self.expire(number) }
                }
            }
        } onCancel: {
            ring()
        }
    }

    /// A ring is kept for the next wait (tests).
    var isRung: Bool { state.withLock { $0.rung } }

    /// A task is waiting (tests).
    var hasWaiter: Bool { state.withLock { $0.waiter != nil } }

    /// Ends wait `number` if it is still going on.
    private func expire(_ number: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.wait == number, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }
}
