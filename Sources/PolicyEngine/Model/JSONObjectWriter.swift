/// `text` as a JSON string literal.
public func quoteJSON(_ text: String) -> String { JSONValue.quoted(text) }

/// Writes JSON objects with members in a fixed order, as Go's `encoding/json` writes structs.
public struct JSONObjectWriter: Sendable {
    private var buffer = "{"

    public init() {}

    /// An object from (key, already-encoded value) pairs, in the order given.
    public init(raw members: [(String, String)]) {
        for (key, value) in members { raw(key, value) }
    }

    /// An object from (key, value) pairs, in the order given.
    public init(_ members: [(String, JSONValue)]) {
        for (key, value) in members { raw(key, value.description) }
    }

    /// Adds `key` with already-encoded JSON `value`.
    public mutating func raw(_ key: String, _ value: String) {
        if buffer.utf8.count > 1 { buffer += "," }
        buffer += quoteJSON(key)
        buffer += ":"
        buffer += value
    }
    public mutating func string(_ key: String, _ value: String) { raw(key, quoteJSON(value)) }
    public mutating func integer(_ key: String, _ value: some BinaryInteger) { raw(key, String(value)) }
    public mutating func bool(_ key: String, _ value: Bool) { raw(key, value ? "true" : "false") }

    /// Adds `key` only when `value` is not empty (Go's `omitempty`).
    public mutating func stringOmitEmpty(_ key: String, _ value: String) { if !value.isEmpty { string(key, value) } }
    public mutating func integerOmitZero(_ key: String, _ value: some BinaryInteger) { if value != 0 { integer(key, value) } }

    public var text: String { buffer + "}" }
}
