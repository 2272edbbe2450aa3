/// keepalived's rise/fall counter for one track script: a value from 0 to rise + fall − 1 that is OK at
/// rise and above. It starts one success away from OK (a first success makes it OK, a first failure
/// KO), or at 0 with `init_fail`; then `fall` consecutive failures make it KO and `rise` consecutive
/// successes make it OK.
public struct TrackScriptCounter: Sendable, Equatable {
    public enum Status: Sendable, Equatable { case pending, ok, failed }

    public let rise: Int
    public let fall: Int
    public private(set) var status: Status
    private var value: Int

    public init(rise: Int, fall: Int, initFail: Bool = false) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
        value = initFail ? 0 : self.rise - 1
        status = initFail ? .failed : .pending
    }

    /// Records one run's result; returns true when the status changed.
    public mutating func record(success: Bool) -> Bool {
        let before = status
        let top = rise + fall - 1
        if success {
            if value < rise - 1 {
                value += 1
            } else {
                value = top
                status = .ok
            }
        } else {
            if value > rise {
                value -= 1
            } else {
                value = 0
                status = .failed
            }
        }
        if status == .pending, value < rise - 1 { status = .failed }
        return status != before
    }
}

/// Turns tracked scripts and interfaces into what the state machine reacts to: FAULT or not, and the
/// effective priority (keepalived's weight rules, clamped 1...254; an owner keeps 255).
public struct TrackingVerdict: Sendable, Equatable {
    public var fault: Bool
    public var priority: UInt8

    /// One tracked thing: whether it is up (nil: no result yet), its weight (0: FAULT while down) and
    /// `reverse`.
    public struct Input: Sendable, Equatable {
        public var isUp: Bool?
        public var weight: Int
        public var reverse: Bool

        public init(isUp: Bool?, weight: Int, reverse: Bool = false) {
            self.isUp = isUp
            self.weight = weight
            self.reverse = reverse
        }
    }

    public init(basePriority: UInt8, inputs: [Input]) {
        var fault = false
        var priority = Int(basePriority)
        for input in inputs {
            if input.weight == 0 {
                if input.isUp != true { fault = true }
                continue
            }
            guard let up = input.isUp else { continue }
            let weight = input.reverse ? -input.weight : input.weight
            // Positive weights add while up; negative weights subtract while down.
            if weight > 0, up { priority += weight }
            if weight < 0, !up { priority += weight }
        }
        self.fault = fault
        self.priority = basePriority == 255 ? 255 : UInt8(min(254, max(1, priority)))
    }
}
