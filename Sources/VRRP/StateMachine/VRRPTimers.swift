/// A point on the daemon's monotonic clock, in nanoseconds. The state machine never reads a clock: every
/// event carries its time, so tests drive it deterministically.
public struct VRRPInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func seconds(_ value: Double) -> VRRPInstant { VRRPInstant(nanoseconds: Int64((value * 1e9).rounded())) }

    public static func < (lhs: VRRPInstant, rhs: VRRPInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: VRRPInstant, rhs: Duration) -> VRRPInstant {
        let (seconds, attoseconds) = rhs.components
        return VRRPInstant(nanoseconds: lhs.nanoseconds + seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    public var description: String {
        let milliseconds = nanoseconds / 1_000_000
        let fraction = String(abs(milliseconds % 1000))
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }
}

/// RFC 3768 / 5798 timer arithmetic, as keepalived computes it.
public enum VRRPTimers {
    /// Skew_Time. v2: (256 − priority) / 256 seconds, not scaled by the interval; v3: scaled by the
    /// (master's) advertisement interval.
    public static func skew(priority: UInt8, intervalCentiseconds: UInt16, version: VRRPAdvertisement.Version) -> Duration {
        let weight = Int64(256 - Int(priority))
        switch version {
        case .v2: return .nanoseconds(weight * 1_000_000_000 / 256)
        case .v3: return .nanoseconds(weight * Int64(intervalCentiseconds) * 10_000_000 / 256)
        }
    }

    /// Master_Down_Interval = adverts × interval + skew (adverts: keepalived's `down_timer_adverts`, 3).
    public static func masterDown(priority: UInt8, intervalCentiseconds: UInt16, version: VRRPAdvertisement.Version,
                                  adverts: Int = 3) -> Duration {
        .nanoseconds(Int64(adverts) * Int64(intervalCentiseconds) * 10_000_000)
            + skew(priority: priority, intervalCentiseconds: intervalCentiseconds, version: version)
    }
}
