/// One VRRP instance's protocol state machine (RFC 5798 §6.4, RFC 3768 §6.4, and keepalived's
/// extensions), as a pure value: events in, actions out, deadlines exposed.
///
/// The driver owns sockets and a clock. It calls ``handle(_:at:)`` for every valid advertisement, track
/// change and shutdown, and ``handleDeadline(at:)`` when ``nextDeadline`` passes; it performs the returned
/// actions in order.
public struct VRRPStateMachine: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var name: String
        public var version: VRRPAdvertisement.Version
        /// The configured priority (255: address owner).
        public var priority: UInt8
        /// Our advertisement interval, in centiseconds.
        public var intervalCentiseconds: UInt16
        /// Our primary address: breaks ties between equal priorities (the higher address wins).
        public var primaryAddress: VRRPAddress
        public var preempt = true
        public var preemptDelay: Duration = .zero
        public var garp = GratuitousARPSettings()
        /// keepalived's `lower_prio_no_advert`: do not answer a lower-priority advert (RFC behaviour).
        public var lowerPriorityNoAdvert = false
        /// keepalived's `higher_prio_send_advert`: send one more advert before yielding.
        public var higherPrioritySendAdvert = false
        /// keepalived's `down_timer_adverts`.
        public var downTimerAdverts = 3
        /// Member of a `vrrp_sync_group`: when the master-down timer runs out the instance only *wants*
        /// MASTER (``VRRPStateMachine/wantsMaster``); a ``VRRPSyncGroup`` decides when members move.
        public var inSyncGroup = false
        /// `state MASTER`. Only matters in a sync group, where such a member waits one advert interval
        /// (not a master-down interval) at start-up, as keepalived does.
        public var configuredAsMaster = false

        public init(name: String, version: VRRPAdvertisement.Version, priority: UInt8, intervalCentiseconds: UInt16,
                    primaryAddress: VRRPAddress) {
            self.name = name
            self.version = version
            self.priority = priority
            self.intervalCentiseconds = intervalCentiseconds
            self.primaryAddress = primaryAddress
        }

        var isOwner: Bool { priority == 255 }
    }

    /// What the machine reacts to.
    public enum Event: Sendable, Equatable {
        case startup
        /// A valid advertisement for this instance (the validator has already dropped the rest).
        case advertisement(priority: UInt8, source: VRRPAddress, intervalCentiseconds: UInt16)
        /// Tracking (interface, unweighted script) says the instance must be in FAULT, or no longer.
        case fault(Bool)
        /// The effective priority after track weights changed (ignored for an owner).
        case priorityChanged(UInt8)
        case shutdown
    }

    public let configuration: Configuration
    public internal(set) var state: VRRPState = .initialize
    /// Priority after track weights, clamped to 1...254 (an owner keeps 255).
    public internal(set) var effectivePriority: UInt8
    /// The interval learnt from the master (v3); ours for v2.
    public internal(set) var masterIntervalCentiseconds: UInt16
    /// When the current timer (master down in BACKUP, advert in MASTER) expires.
    public internal(set) var timerDeadline: VRRPInstant?
    /// When the next gratuitous-ARP burst is due (second burst, refresh, lower-priority repeat).
    public internal(set) var garpDeadline: VRRPInstant?
    var garpDueCount = 0
    /// In BACKUP with preempt_delay: when we first heard a lower-priority master.
    var lowerMasterSince: VRRPInstant?
    var faulted = false
    /// In a sync group: the master-down timer ran out and the instance waits for the group to go MASTER.
    public internal(set) var wantsMaster = false
    /// In a sync group: in FAULT because another member is, not because of its own tracking.
    public internal(set) var heldInFaultByGroup = false
    /// Why the master-down timer is running short (a priority-0 advert), for the takeover log line.
    var masterLeft: VRRPAddress?

    /// Its own tracking (an interface down, a weight-0 script failing) says FAULT.
    public var isFaulted: Bool { faulted }

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        effectivePriority = configuration.priority
        masterIntervalCentiseconds = configuration.intervalCentiseconds
    }

    /// The earliest deadline the driver must wake up for.
    public var nextDeadline: VRRPInstant? {
        [timerDeadline, garpDeadline].compactMap { $0 }.min()
    }

    public var skew: Duration {
        VRRPTimers.skew(priority: effectivePriority, intervalCentiseconds: masterIntervalCentiseconds, version: configuration.version)
    }

    public var masterDownInterval: Duration {
        VRRPTimers.masterDown(priority: effectivePriority, intervalCentiseconds: masterIntervalCentiseconds,
                              version: configuration.version, adverts: configuration.downTimerAdverts)
    }

    var advertInterval: Duration { .milliseconds(Int64(configuration.intervalCentiseconds) * 10) }
}
