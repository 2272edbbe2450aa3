/// Walks one JSON document without building its tree, for documents that are mostly passed on: each value is
/// read as a ``JSONValue``, skipped, or kept as the exact text it arrived as. Everything the reader walks over is
/// checked as `JSONValue.parse(_:)` checks it, with the same errors, so a document it
/// accepts is valid JSON.
///
/// ```swift
/// try JSONReader.read(bytes) { reader in
///     try reader.readObject { reader, key in
///         if key == "record" { kept = try reader.readRawValue() } else { try reader.skipValue() }
///     }
/// }
/// ```
public struct JSONReader {
    /// What a value is, from its first byte.
    public enum Kind: Sendable, Equatable {
        case object, array, string, number, boolean, null
    }

    private var parser: JSONParser
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { parser = JSONParser(bytes: bytes) }

    /// Reads the document in `bytes` with `body`, which must read its one top-level value; text after that value
    /// is an error. Throws ``JSONSyntaxError`` for malformed JSON, and whatever `body` throws.
    public static func read<Result>(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (inout JSONReader) throws -> Result
    ) throws -> Result {
        var reader = JSONReader(bytes)
        reader.parser.skipWhitespace()
        let result = try body(&reader)
        reader.parser.skipWhitespace()
        guard reader.parser.position == bytes.count else { throw reader.parser.error("unexpected text after the JSON value") }
        return result
    }

    /// The kind of the next value; nil at the end of the input or at a byte no value starts with (reading it then
    /// throws the syntax error).
    public var nextKind: Kind? {
        guard parser.position < parser.bytes.count else { return nil }
        switch parser.bytes[parser.position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .boolean
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: return nil
        }
    }

    /// Reads an object, handing each key to `member`, which must read or skip that member's value.
    public mutating func readObject(_ member: (inout JSONReader, String) throws -> Void) throws {
        guard nextKind == .object else { throw parser.error("expected an object") }
        try parser.enterContainer(depth: depth + 1)
        depth += 1
        defer { depth -= 1 }
        var first = true
        while let key = try parser.nextKey(first: first) {
            first = false
            try member(&self, key)
        }
    }

    /// Reads an array, calling `element` with each element's index; it must read or skip that element. Returns where
    /// the array's text is (offsets into the document's bytes, from `[` to `]`).
    @discardableResult
    public mutating func readArray(_ element: (inout JSONReader, Int) throws -> Void) throws -> Range<Int> {
        let start = parser.position
        guard nextKind == .array else { throw parser.error("expected an array") }
        try parser.enterContainer(depth: depth + 1)
        depth += 1
        defer { depth -= 1 }
        var index = 0
        while try parser.nextElement(first: index == 0) {
            try element(&self, index)
            index += 1
        }
        return start..<parser.position
    }

    /// The next value as a tree.
    public mutating func readValue() throws(JSONSyntaxError) -> JSONValue {
        try parser.parseValue(depth: depth)
    }

    /// Checks the next value and steps over it.
    public mutating func skipValue() throws(JSONSyntaxError) {
        try parser.skipValue(depth: depth)
    }

    /// Checks the next value and returns where its text is: offsets into the document's bytes, from its first byte
    /// to its last (no surrounding whitespace).
    public mutating func readRawValue() throws(JSONSyntaxError) -> Range<Int> {
        let start = parser.position
        try parser.skipValue(depth: depth)
        return start..<parser.position
    }
}
