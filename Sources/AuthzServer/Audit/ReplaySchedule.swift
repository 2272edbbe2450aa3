import NIOCore

/// When the audit shipper next tries to replay its spool. After a failed replay (no apiserver answers) the wait
/// doubles, from the flush interval up to ``longestWait``, so an outage is not met with a replay attempt (and a
/// warning) every flush interval; a delivered or paused replay makes the next one due at once.
struct ReplaySchedule: Equatable {
    static let longestWait = TimeAmount.seconds(5)

    let interval: TimeAmount
    private(set) var next = NIODeadline.uptimeNanoseconds(0)
    private(set) var wait: TimeAmount

    init(interval: TimeAmount) {
        self.interval = interval
        wait = interval
    }

    func isDue(_ now: NIODeadline) -> Bool { now >= next }

    mutating func record(_ outcome: AuditShipper.ReplayOutcome, at now: NIODeadline) {
        switch outcome {
        case .delivered, .pausedForLiveTraffic:
            wait = interval
            next = now
        case .failed:
            next = now + wait
            wait = min(wait * 2, max(Self.longestWait, interval))
        }
    }
}
