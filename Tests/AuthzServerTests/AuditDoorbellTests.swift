@testable import AuthzServer
import NIOCore
import NIOEmbedded
import Testing

/// The shipper's wake-up: no ring is lost, a deadline ends only its own wait, cancellation ends a wait.
/// (The limit is generous: while the process tests run, they keep the cooperative threads busy for minutes.)
@Suite(.timeLimit(.minutes(10))) struct AuditDoorbellTests {
    /// Runs `body` with a new doorbell and a virtual-clock event loop for its deadlines.
    static func withBell(_ body: (AuditDoorbell, NIOAsyncTestingEventLoop) async -> Void) async {
        let loop = NIOAsyncTestingEventLoop()
        await body(AuditDoorbell(), loop)
        await loop.shutdownGracefully()
    }

    /// Starts a wait in a task of its own and returns once it is waiting (polling for up to a minute: the task runs on
    /// another thread).
    static func waiting(_ bell: AuditDoorbell, until deadline: NIODeadline?, _ loop: NIOAsyncTestingEventLoop) async -> Task<Void, Never> {
        let waiter = Task { await bell.wait(until: deadline, timers: loop) }
        for _ in 0..<60_000 where !bell.hasWaiter { try? await Task.sleep(for: .milliseconds(1)) }
        #expect(bell.hasWaiter)
        return waiter
    }

    @Test func aRingBeforeTheWaitEndsItAtOnce() async {
        await Self.withBell { bell, loop in
            bell.ring()
            #expect(bell.isRung)
            await bell.wait(until: nil, timers: loop)
            #expect(!bell.isRung, "the kept ring is used up by the wait it ended")
        }
    }

    @Test func aRingWakesTheWaiter() async {
        await Self.withBell { bell, loop in
            let waiter = await Self.waiting(bell, until: nil, loop)
            bell.ring()
            await waiter.value
            #expect(!bell.hasWaiter && !bell.isRung)
        }
    }

    @Test func theDeadlineEndsTheWaitAndNotBefore() async {
        await Self.withBell { bell, loop in
            let waiter = await Self.waiting(bell, until: loop.now + .milliseconds(100), loop)
            await loop.advanceTime(by: .milliseconds(99))
            #expect(bell.hasWaiter, "still waiting 1 ms before the deadline")
            await loop.advanceTime(by: .milliseconds(1))
            await waiter.value
            #expect(!bell.hasWaiter)
            #expect(!bell.isRung, "a deadline is not a ring kept for later")
        }
    }

    @Test func anEarlierWaitsDeadlineDoesNotEndALaterWait() async {
        await Self.withBell { bell, loop in
            let first = await Self.waiting(bell, until: loop.now + .milliseconds(100), loop)
            bell.ring()
            await first.value
            let second = await Self.waiting(bell, until: nil, loop)
            await loop.advanceTime(by: .milliseconds(500))
            #expect(bell.hasWaiter, "the first wait's deadline passed without ending the second")
            bell.ring()
            await second.value
        }
    }

    @Test func cancellingTheTaskEndsItsWait() async {
        await Self.withBell { bell, loop in
            let waiter = await Self.waiting(bell, until: nil, loop)
            waiter.cancel()
            await waiter.value
            #expect(!bell.hasWaiter)
        }
    }
}
