/// `text` as a JSON string literal.
public func quoteJSON(_ text: String) -> String { JSONValue.quoted(text) }

/// Writes JSON objects with members in a fixed order, as Go's `encoding/json` writes structs.
public struct JSONObjectWriter: Sendable {
    private var buffer: JSONTextBuffer
    private var isEmpty = true

    public init() { self.init(capacity: 256) }

    /// `capacity`: the expected length of the text (it grows as needed).
    public init(capacity: Int) {
        buffer = JSONTextBuffer(capacity: capacity)
        buffer.appendByte(UInt8(ascii: "{"))
    }

    /// An object from (key, already-encoded value) pairs, in the order given.
    public init(raw members: [(String, String)]) {
        self.init()
        for (key, value) in members { raw(key, value) }
    }

    /// An object from (key, value) pairs, in the order given.
    public init(_ members: [(String, JSONValue)]) {
        self.init()
        for (key, value) in members { self.value(key, value) }
    }

    private mutating func key(_ key: String) {
        if !isEmpty { buffer.appendByte(UInt8(ascii: ",")) }
        isEmpty = false
        buffer.appendQuoted(key)
        buffer.appendByte(UInt8(ascii: ":"))
    }

    /// Adds `key` with already-encoded JSON `value`.
    public mutating func raw(_ key: String, _ value: String) {
        self.key(key)
        buffer.appendRaw(value)
    }
    public mutating func string(_ key: String, _ value: String) {
        self.key(key)
        buffer.appendQuoted(value)
    }
    public mutating func value(_ key: String, _ value: JSONValue) {
        self.key(key)
        buffer.append(value)
    }
    public mutating func integer(_ key: String, _ value: some BinaryInteger) { raw(key, String(value)) }
    public mutating func bool(_ key: String, _ value: Bool) { raw(key, value ? "true" : "false") }

    /// Adds `key` only when `value` is not empty (Go's `omitempty`).
    public mutating func stringOmitEmpty(_ key: String, _ value: String) { if !value.isEmpty { string(key, value) } }
    public mutating func integerOmitZero(_ key: String, _ value: some BinaryInteger) { if value != 0 { integer(key, value) } }

    public var text: String { buffer.text(appending: UInt8(ascii: "}")) }
}
