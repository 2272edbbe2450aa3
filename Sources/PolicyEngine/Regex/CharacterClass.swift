/// A set of Unicode scalars written as `[...]`, `\d`, `\w`, `\s` or their negations.
///
/// Membership of ASCII scalars is answered from a 128-bit map; other scalars from sorted ranges.
struct CharacterClass: Sendable, Equatable {
    /// Sorted, non-overlapping, inclusive scalar ranges (before negation).
    private(set) var ranges: [ClosedRange<UInt32>]
    private(set) var isNegated: Bool
    private var asciiLow: UInt64 = 0
    private var asciiHigh: UInt64 = 0

    init(ranges: [ClosedRange<UInt32>], negated: Bool = false) {
        self.ranges = CharacterClass.normalize(ranges)
        self.isNegated = negated
        for scalar in UInt32(0)..<128 where self.rawContains(scalar) != negated {
            if scalar < 64 { asciiLow |= 1 << UInt64(scalar) } else { asciiHigh |= 1 << UInt64(scalar - 64) }
        }
    }

    /// Membership of the 128 ASCII scalars, as two 64-bit maps.
    var asciiBitmap: (UInt64, UInt64) { (asciiLow, asciiHigh) }

    func contains(_ scalar: UInt32) -> Bool {
        if scalar < 64 { return asciiLow & (1 << UInt64(scalar)) != 0 }
        if scalar < 128 { return asciiHigh & (1 << UInt64(scalar - 64)) != 0 }
        return rawContains(scalar) != isNegated
    }

    /// The members when the class is small and not negated, for expanding finite templates.
    func members(limit: Int) -> [UInt32]? {
        guard !isNegated else { return nil }
        var result: [UInt32] = []
        for range in ranges {
            guard result.count + range.count <= limit else { return nil }
            result.append(contentsOf: range)
        }
        return result
    }

    func negated() -> CharacterClass { CharacterClass(ranges: ranges, negated: !isNegated) }

    private func rawContains(_ scalar: UInt32) -> Bool {
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if scalar < ranges[mid].lowerBound {
                high = mid - 1
            } else if scalar > ranges[mid].upperBound {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    private static func normalize(_ input: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let sorted = input.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for range in sorted {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}

extension CharacterClass {
    static let digit = CharacterClass(ranges: [0x30...0x39])
    static let word = CharacterClass(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    /// `\s` as RE2 defines it: `[\t\n\f\r ]`.
    static let space = CharacterClass(ranges: [0x09...0x0A, 0x0C...0x0D, 0x20...0x20])

    /// POSIX classes usable inside brackets, as RE2 accepts them (`[[:alpha:]]`).
    static let posix: [String: [ClosedRange<UInt32>]] = [
        "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A],
        "alpha": [0x41...0x5A, 0x61...0x7A],
        "ascii": [0x00...0x7F],
        "blank": [0x09...0x09, 0x20...0x20],
        "cntrl": [0x00...0x1F, 0x7F...0x7F],
        "digit": [0x30...0x39],
        "graph": [0x21...0x7E],
        "lower": [0x61...0x7A],
        "print": [0x20...0x7E],
        "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E],
        "space": [0x09...0x0D, 0x20...0x20],
        "upper": [0x41...0x5A],
        "word": [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A],
        "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66],
    ]
}
