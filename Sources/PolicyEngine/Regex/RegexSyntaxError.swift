/// A regular expression that cannot be compiled: what is wrong and where (scalar offset in the pattern).
public struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var pattern: String
    public var offset: Int

    public var description: String { "invalid regular expression \"\(pattern)\" at offset \(offset): \(message)" }
}
