/// A compiled regular expression with the text it came from (nginx `~`/`~*` locations, HAProxy `path_reg`).
public struct PatternRegex: @unchecked Sendable, CustomStringConvertible {
    // Regex values are immutable once built; Swift's Regex is not yet marked Sendable.
    public let regex: Regex<AnyRegexOutput>
    public let source: String
    public let caseInsensitive: Bool

    public init(_ source: String, caseInsensitive: Bool) throws {
        var regex = try Regex(source)
        if caseInsensitive { regex = regex.ignoresCase() }
        self.regex = regex
        self.source = source
        self.caseInsensitive = caseInsensitive
    }

    /// Whether the pattern matches anywhere in `text` (PCRE search semantics).
    public func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }

    /// The capture groups of the first match (`$1`…), or nil when it does not match.
    public func captures(in text: String) -> [String]? {
        guard let match = try? regex.firstMatch(in: text) else { return nil }
        return (0..<match.output.count).map { index in
            match.output[index].substring.map(String.init) ?? ""
        }
    }

    public var description: String { source }
}
