extension JSONValue: CustomStringConvertible {
    /// Compact JSON text; object members sorted by key (as Go's `encoding/json` writes maps).
    public var description: String {
        var buffer = JSONTextBuffer()
        buffer.append(self)
        return buffer.text
    }

    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> String {
        var buffer = JSONTextBuffer(capacity: text.utf8.count + 2)
        buffer.appendQuoted(text)
        return buffer.text
    }
}
