extension CharacterClass {
    /// Ranges covering every scalar not in `ranges`.
    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let normalized = CharacterClass(ranges: ranges).ranges
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in normalized {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound &+ 1
        }
        if next <= 0x10FFFF, !(normalized.last.map { $0.upperBound == UInt32.max } ?? false) {
            result.append(next...0x10FFFF)
        }
        return result
    }

    /// `ranges` plus the simple upper- and lower-case forms of their scalars (the `i` flag).
    /// Ranges wider than 4096 scalars outside ASCII are kept as they are.
    static func addingCaseVariants(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result = ranges
        for range in ranges where range.count <= 4096 || range.upperBound < 128 {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                for mapped in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
                    let mappedScalars = Array(mapped.unicodeScalars)
                    if mappedScalars.count == 1, mappedScalars[0].value != value {
                        result.append(mappedScalars[0].value...mappedScalars[0].value)
                    }
                }
            }
        }
        return CharacterClass(ranges: result).ranges
    }
}
