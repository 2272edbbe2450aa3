@testable import AuthzServer
import NIOCore
import NIOEmbedded
import Testing

/// The shipper's wake-up: no ring is lost, a deadline ends only its own wait, cancellation ends a wait.
/// (The limit is generous: while the process tests run, they keep the cooperative threads busy for minutes.)
@Suite(.timeLimit(.minutes(10))) struct AuditDoorbellTests {
    /// Polls until `condition` holds (the waiting task runs on another thread), for up to a minute.
    static func eventually(_ condition: () -> Bool) async {
        for _ in 0..<60_000 where !condition() { try? await Task.sleep(for: .milliseconds(1)) }
    }

    @Test func aRingBeforeTheWaitEndsItAtOnce() async {
        let bell = AuditDoorbell()
        let loop = NIOAsyncTestingEventLoop()
        bell.ring()
        #expect(bell.isRung)
        await bell.wait(until: nil, timers: loop)
        #expect(!bell.isRung, "the kept ring is used up by the wait it ended")
        await loop.shutdownGracefully()
    }

    @Test func aRingWakesTheWaiter() async {
        let bell = AuditDoorbell()
        let loop = NIOAsyncTestingEventLoop()
        let waiter = Task { await bell.wait(until: nil, timers: loop) }
        await Self.eventually { bell.hasWaiter }
        #expect(bell.hasWaiter)
        bell.ring()
        await waiter.value
        #expect(!bell.hasWaiter && !bell.isRung)
        await loop.shutdownGracefully()
    }

    @Test func theDeadlineEndsTheWaitAndNotBefore() async {
        let bell = AuditDoorbell()
        let loop = NIOAsyncTestingEventLoop()
        let waiter = Task { await bell.wait(until: loop.now + .milliseconds(100), timers: loop) }
        await Self.eventually { bell.hasWaiter }
        await loop.advanceTime(by: .milliseconds(99))
        #expect(bell.hasWaiter, "still waiting 1 ms before the deadline")
        await loop.advanceTime(by: .milliseconds(1))
        await waiter.value
        #expect(!bell.hasWaiter)
        #expect(!bell.isRung, "a deadline is not a ring kept for later")
        await loop.shutdownGracefully()
    }

    @Test func anEarlierWaitsDeadlineDoesNotEndALaterWait() async {
        let bell = AuditDoorbell()
        let loop = NIOAsyncTestingEventLoop()
        let first = Task { await bell.wait(until: loop.now + .milliseconds(100), timers: loop) }
        await Self.eventually { bell.hasWaiter }
        bell.ring()
        await first.value
        let second = Task { await bell.wait(until: nil, timers: loop) }
        await Self.eventually { bell.hasWaiter }
        await loop.advanceTime(by: .milliseconds(500))
        #expect(bell.hasWaiter, "the first wait's deadline passed without ending the second")
        bell.ring()
        await second.value
        await loop.shutdownGracefully()
    }

    @Test func cancellingTheTaskEndsItsWait() async {
        let bell = AuditDoorbell()
        let loop = NIOAsyncTestingEventLoop()
        let waiter = Task { await bell.wait(until: nil, timers: loop) }
        await Self.eventually { bell.hasWaiter }
        waiter.cancel()
        await waiter.value
        #expect(!bell.hasWaiter)
        await loop.shutdownGracefully()
    }
}
