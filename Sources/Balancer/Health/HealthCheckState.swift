/// The active health state of one server: HAProxy's rise/fall counting and check intervals. A pure value; the
/// checker feeds it results and asks it when to check next.
public struct HealthCheckState: Sendable, Equatable {
    public enum Status: String, Sendable { case up = "UP", down = "DOWN" }

    public enum Transition: Sendable, Equatable {
        case wentDown
        case wentUp
    }

    public let rise: Int
    public let fall: Int
    public let interval: Duration
    public let fastInterval: Duration
    public let downInterval: Duration
    public private(set) var status: Status
    public private(set) var consecutiveSuccesses = 0
    public private(set) var consecutiveFailures = 0

    /// Servers start UP, as in HAProxy: traffic flows at once and the first `fall` failed checks take it away.
    public init(rise: Int, fall: Int, interval: Duration, fastInterval: Duration?, downInterval: Duration?, initial: Status = .up) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
        self.interval = interval
        self.fastInterval = fastInterval ?? interval
        self.downInterval = downInterval ?? interval
        self.status = initial
    }

    /// Records one check result; returns the transition it caused, if any.
    public mutating func record(success: Bool) -> Transition? {
        if success {
            consecutiveSuccesses += 1
            consecutiveFailures = 0
            if status == .down, consecutiveSuccesses >= rise {
                status = .up
                return .wentUp
            }
        } else {
            consecutiveFailures += 1
            consecutiveSuccesses = 0
            if status == .up, consecutiveFailures >= fall {
                status = .down
                return .wentDown
            }
        }
        return nil
    }

    /// Marks the server down at once (a passive failure threshold, or the server cannot be resolved).
    public mutating func forceDown() -> Transition? {
        consecutiveSuccesses = 0
        guard status == .up else { return nil }
        status = .down
        consecutiveFailures = fall
        return .wentDown
    }

    /// HAProxy's choice of interval: `fastinter` while the state is changing (up but failing, or down but
    /// recovering), `downinter` while fully down, `inter` otherwise.
    public var nextInterval: Duration {
        switch status {
        case .up: consecutiveFailures > 0 ? fastInterval : interval
        case .down: consecutiveSuccesses > 0 ? fastInterval : downInterval
        }
    }
}

/// nginx's passive health: `max_fails` failed attempts within `fail_timeout` make a server unavailable for
/// `fail_timeout`. A pure value over an injected clock (nanoseconds of uptime).
public struct PassiveFailureWindow: Sendable, Equatable {
    public let maxFails: Int
    public let failTimeoutNanoseconds: Int64
    public private(set) var failures = 0
    private var windowStart: Int64 = 0
    public private(set) var unavailableUntil: Int64 = 0

    public init(maxFails: Int, failTimeout: Duration) {
        self.maxFails = maxFails
        let (seconds, attoseconds) = failTimeout.components
        self.failTimeoutNanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Records a failed attempt; returns true when it made the server unavailable.
    public mutating func recordFailure(now: Int64) -> Bool {
        guard maxFails > 0 else { return false }
        if now - windowStart > failTimeoutNanoseconds {
            windowStart = now
            failures = 0
        }
        failures += 1
        if failures >= maxFails {
            failures = 0
            windowStart = now
            let wasAvailable = unavailableUntil <= now
            unavailableUntil = now + failTimeoutNanoseconds
            return wasAvailable
        }
        return false
    }

    public mutating func recordSuccess() {
        failures = 0
    }

    public func isAvailable(now: Int64) -> Bool { unavailableUntil <= now }
}
