import PolicyEngine

/// Minimal JSON text writing with a fixed key order, for output people diff and scripts parse.
enum JSONText {
    static func quote(_ text: String) -> String { JSONValue.quoted(text) }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

    /// An object from (key, already-encoded value) pairs, in the order given.
    static func object(_ members: [(String, String)]) -> String { JSONObjectWriter(raw: members).text }
}
