@testable import AuthzServer
import NIOCore
import Testing

/// The spool's replays back off while no apiserver answers and resume at once after one does.
@Suite struct ReplayScheduleTests {
    @Test func failuresDoubleTheWaitUpToFiveSecondsAndADeliveryResetsIt() {
        var schedule = ReplaySchedule(interval: .milliseconds(200))
        var now = NIODeadline.uptimeNanoseconds(1_000_000_000)
        #expect(schedule.isDue(now))
        var waits: [Int64] = []
        for _ in 0..<8 {
            schedule.record(.failed, at: now)
            waits.append((schedule.next - now).nanoseconds / 1_000_000)
            #expect(!schedule.isDue(now + .milliseconds(waits.last! - 1)))
            now = schedule.next
            #expect(schedule.isDue(now))
        }
        #expect(waits == [200, 400, 800, 1600, 3200, 5000, 5000, 5000])
        schedule.record(.delivered, at: now)
        #expect(schedule.isDue(now))
        schedule.record(.failed, at: now)
        #expect(schedule.next == now + .milliseconds(200), "a delivery starts the backoff over")
        schedule.record(.pausedForLiveTraffic, at: now)
        #expect(schedule.isDue(now), "a replay paused for live traffic goes on as soon as traffic allows")
    }

    @Test func aFlushIntervalLongerThanTheLongestWaitIsKept() {
        var schedule = ReplaySchedule(interval: .seconds(8))
        let now = NIODeadline.uptimeNanoseconds(1)
        schedule.record(.failed, at: now)
        schedule.record(.failed, at: now)
        #expect(schedule.next == now + .seconds(8))
    }
}
