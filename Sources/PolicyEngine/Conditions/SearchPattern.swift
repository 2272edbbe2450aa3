/// A regular expression searched anywhere in a text, as Go's `regexp.MatchString` does
/// (`StringMatchCondition`). Patterns that are plain text, `^text`, `text$` or `^text$` skip the engine.
struct SearchPattern: Sendable {
    private enum Strategy: Sendable {
        case contains([UInt8]), hasPrefix([UInt8]), hasSuffix([UInt8]), equals([UInt8])
        case program(RegexProgram)
    }

    private let strategy: Strategy

    init(_ pattern: String) throws(RegexSyntaxError) {
        let node = try RegexParser.parse(pattern)
        var parts: [RegexNode]
        if case .concatenation(let items) = node { parts = items } else { parts = [node] }
        let anchoredStart = parts.first == .assertion(.textStart)
        if anchoredStart { parts.removeFirst() }
        let anchoredEnd = parts.last == .assertion(.textEnd)
        if anchoredEnd { parts.removeLast() }
        if let scalars = RegexNode.concatenation(parts).literalScalars {
            let bytes = Array(String(String.UnicodeScalarView(scalars.compactMap(Unicode.Scalar.init))).utf8)
            switch (anchoredStart, anchoredEnd) {
            case (false, false): strategy = .contains(bytes)
            case (true, false): strategy = .hasPrefix(bytes)
            case (false, true): strategy = .hasSuffix(bytes)
            case (true, true): strategy = .equals(bytes)
            }
        } else {
            strategy = .program(try RegexProgram(node, mode: .search, pattern: pattern))
        }
    }

    func matches(_ text: UnsafeBufferPointer<UInt8>) -> RegexRunResult {
        switch strategy {
        case .contains(let bytes): text.contains(bytes) ? .match : .noMatch
        case .hasPrefix(let bytes): text.hasPrefix(bytes) ? .match : .noMatch
        case .hasSuffix(let bytes): text.hasSuffix(bytes) ? .match : .noMatch
        case .equals(let bytes): text.equals(bytes) ? .match : .noMatch
        case .program(let program): program.run(text)
        }
    }
}
