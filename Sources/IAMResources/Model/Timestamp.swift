#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in time as the store keeps it: microseconds since the Unix epoch, UTC.
public struct Timestamp: Sendable, Hashable, Comparable {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The zero time that Go renders as `0001-01-01T00:00:00Z` (never set).
    public static let zero = Timestamp(microseconds: Int64.min)

    /// Now, from the system's real-time clock.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }

    /// Whole seconds since the epoch.
    public var seconds: Int64 { microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    /// RFC 3339 in UTC with the fraction Go's RFC3339Nano would print (trailing zeros dropped):
    /// `2026-11-22T03:15:15.123456Z`.
    public var rfc3339: String {
        if self == .zero { return "0001-01-01T00:00:00Z" }
        let civil = CivilTime(secondsSinceEpoch: seconds)
        var fraction = Int(microseconds - seconds * 1_000_000)
        // Whole seconds (every audit record's expiry): one string, `Z` included.
        if fraction == 0 { return civil.dateTime(suffix: UInt8(ascii: "Z")) }
        var text = civil.dateTime
        if fraction > 0 {
            var digits = 6
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            let body = String(fraction)
            text += "." + String(repeating: "0", count: digits - body.count) + body
        }
        return text + "Z"
    }

    /// `2006-01-02 15:04:05` in UTC, as iamctl's tables print times.
    public var tableText: String {
        if self == .zero { return "0001-01-01 00:00:00" }
        return CivilTime(secondsSinceEpoch: seconds).dateTime.replacingT()
    }
}

/// Calendar fields of a UTC instant (Howard Hinnant's days-from-civil inverse).
struct CivilTime {
    var year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64

    init(secondsSinceEpoch: Int64) {
        let days = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86400 : (secondsSinceEpoch - 86399) / 86400
        let secondOfDay = secondsSinceEpoch - days * 86400
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// `YYYY-MM-DDTHH:MM:SS`, written byte by byte (every audit record carries one).
    var dateTime: String { dateTime(suffix: nil) }

    /// ``dateTime`` with one more byte at the end, in one allocation.
    func dateTime(suffix: UInt8?) -> String {
        guard (0...9999).contains(year) else {
            let yearText = String(year)
            return yearText + "-" + Self.two(month) + "-" + Self.two(day) + "T" + Self.two(hour) + ":" + Self.two(minute) + ":"
                + Self.two(second) + (suffix.map { String(UnicodeScalar($0)) } ?? "")
        }
        return String(unsafeUninitializedCapacity: 20) { out in
            func digit(_ value: Int64) -> UInt8 { UInt8(ascii: "0") + UInt8(value) }
            out[0] = digit(year / 1000); out[1] = digit(year / 100 % 10); out[2] = digit(year / 10 % 10); out[3] = digit(year % 10)
            func field(_ value: Int64, after separator: UInt8, at index: Int) {
                out[index] = separator
                out[index + 1] = digit(value / 10)
                out[index + 2] = digit(value % 10)
            }
            field(month, after: UInt8(ascii: "-"), at: 4)
            field(day, after: UInt8(ascii: "-"), at: 7)
            field(hour, after: UInt8(ascii: "T"), at: 10)
            field(minute, after: UInt8(ascii: ":"), at: 13)
            field(second, after: UInt8(ascii: ":"), at: 16)
            guard let suffix else { return 19 }
            out[19] = suffix
            return 20
        }
    }

    private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension String {
    fileprivate func replacingT() -> String { String(map { $0 == "T" ? " " : $0 }) }
}
