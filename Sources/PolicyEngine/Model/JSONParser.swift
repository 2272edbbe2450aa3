/// JSON text that does not parse: what is wrong and where (1-based line and column).
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int

    public var description: String { "line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// Most levels of nested arrays and objects accepted, so hostile input cannot exhaust the stack.
    public static let maximumDepth = 256

    /// Parses RFC 8259 JSON from UTF-8 bytes. Duplicate object keys keep the last value, as Go does.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
            var parser = JSONParser(bytes: buffer)
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.position == buffer.count else { throw parser.error("unexpected text after the JSON value") }
            return value
        }
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue { try parse(Array(text.utf8)) }
}

/// The byte-level reader behind `JSONValue.parse(_:)`, `AccessRequest(parsing:)` and ``JSONReader``.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        let end = min(offset ?? position, bytes.count)
        var line = 1
        var lineStart = 0
        for index in 0..<end where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return JSONSyntaxError(message: message, line: line, column: end - lineStart + 1)
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character \(describe(bytes[position])), expected a value")
        }
    }

    func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
              memoryEqual(bytes.baseAddress! + position, word.utf8Start, count)
        else { throw error("invalid literal, expected \(word)") }
        position += count
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        .object(try parseObjectMembers(depth: depth))
    }

    /// An object's members, not wrapped in a value (so that the caller owns the dictionary alone).
    fileprivate mutating func parseObjectMembers(depth: Int) throws(JSONSyntaxError) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        // Room for a few members (and the `username` authz adds to a request's context) without regrowing.
        members.reserveCapacity(6)
        try parseMembers(depth: depth) { parser, key throws(JSONSyntaxError) in members[key] = try parser.parseValue(depth: depth) }
        return members
    }

    /// Reads an object from its `{` to its `}`, handing each key to `member`, which must read the value.
    mutating func parseMembers(
        depth: Int, _ member: (inout JSONParser, String) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        try enterContainer(depth: depth)
        var first = true
        while let key = try nextKey(first: first) {
            first = false
            try member(&self, key)
        }
    }

    /// Reads an array from its `[` to its `]`, calling `element` at each element, which must read it.
    mutating func parseElements(
        depth: Int, _ element: (inout JSONParser) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        try enterContainer(depth: depth)
        var first = true
        while try nextElement(first: first) {
            first = false
            try element(&self)
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        var items: [JSONValue] = []
        try parseElements(depth: depth) { parser throws(JSONSyntaxError) in items.append(try parser.parseValue(depth: depth)) }
        return .array(items)
    }

    /// Steps over the `{` or `[` at `position`, refusing nesting deeper than ``JSONValue/maximumDepth``.
    mutating func enterContainer(depth: Int) throws(JSONSyntaxError) {
        guard depth <= JSONValue.maximumDepth else { throw error("nesting deeper than \(JSONValue.maximumDepth) levels") }
        position += 1
    }

    /// In an object entered with ``enterContainer(depth:)``: the next member's key, leaving `position` at its value,
    /// or nil once the closing `}` is read. `first` is true before the first member (no `,` expected).
    mutating func nextKey(first: Bool) throws(JSONSyntaxError) -> String? {
        guard try atNextKey(first: first) else { return nil }
        let key = try parseString()
        try afterKey()
        return key
    }

    /// In an object: steps over the `,` before a member (unless `first`); true with `position` at the member's key,
    /// false once the closing `}` is read.
    mutating func atNextKey(first: Bool) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        if first {
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return false }
        } else {
            guard position < bytes.count else { throw error("unexpected end of input inside an object") }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return false }
            guard bytes[position] == UInt8(ascii: ",") else {
                throw error("expected ',' or '}' in the object, found \(describe(bytes[position]))")
            }
            position += 1
            skipWhitespace()
        }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            throw error("expected a string key in the object")
        }
        return true
    }

    /// After a member's key: steps over the `:` and the whitespace around it.
    mutating func afterKey() throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':' after the key") }
        position += 1
        skipWhitespace()
    }

    /// In an array entered with ``enterContainer(depth:)``: true with `position` at the next element, false once the
    /// closing `]` is read.
    mutating func nextElement(first: Bool) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        if first {
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return false }
        } else {
            guard position < bytes.count else { throw error("unexpected end of input inside an array") }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return false }
            guard bytes[position] == UInt8(ascii: ",") else {
                throw error("expected ',' or ']' in the array, found \(describe(bytes[position]))")
            }
            position += 1
            skipWhitespace()
        }
        return true
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = position
        position += 1
        // The usual string has no escape: made straight from the input bytes.
        var end = position
        var highBits: UInt8 = 0
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 {
            highBits |= bytes[end]
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let run = UnsafeBufferPointer(rebasing: bytes[position..<end])
            // ASCII is valid UTF-8 as it is: `String(validating:)` is generic and looks up metadata on every call.
            let text = highBits < 0x80 ? String(decoding: run, as: UTF8.self) : String(validating: run, as: UTF8.self)
            guard let text else { throw error("string is not valid UTF-8", at: start) }
            position = end + 1
            return text
        }
        var scalars: [UInt8] = []
        var runStart = position
        while true {
            guard position < bytes.count else { throw error("unterminated string", at: start) }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                scalars.append(contentsOf: bytes[runStart..<position])
                position += 1
                break
            }
            if byte < 0x20 { throw error("control character in a string (escape it)") }
            if byte == UInt8(ascii: "\\") {
                scalars.append(contentsOf: bytes[runStart..<position])
                try parseEscape(into: &scalars)
                runStart = position
                continue
            }
            position += 1
        }
        guard let text = String(validating: scalars, as: UTF8.self) else {
            throw error("string is not valid UTF-8", at: start)
        }
        return text
    }

    private mutating func parseEscape(into output: inout [UInt8]) throws(JSONSyntaxError) {
        position += 1
        guard position < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var value = try parseHex4()
            if (0xD800...0xDBFF).contains(value) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate in \\u escape")
                }
                position += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate in \\u escape") }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(value) {
                throw error("unpaired surrogate in \\u escape")
            }
            output.append(contentsOf: Array(String(Unicode.Scalar(value)!).utf8))
        default:
            throw error("invalid escape \\\(Character(Unicode.Scalar(byte)))", at: position - 2)
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexDigit(bytes[position]) else { throw error("invalid hexadecimal digit in \\u escape") }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// The value of a hexadecimal digit of a `\u` escape, or nil.
    static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = position
        try scanNumber()
        guard let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)) else {
            throw error("invalid number", at: start)
        }
        return value
    }

    /// Steps over the number at `position`, checking RFC 8259's grammar (which every text `Double` reads).
    mutating func scanNumber() throws(JSONSyntaxError) {
        let start = position
        func digits() -> Int {
            let from = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                position += 1
            }
            return position - from
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        let integerDigits = digits()
        guard integerDigits > 0 else { throw error("invalid number: a digit must follow '-'") }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") { throw error("invalid number: leading zero", at: start) }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw error("invalid number: a digit must follow '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("invalid number: a digit must follow the exponent") }
        }
    }
}

extension AccessRequest {
    /// Decodes ladon's request JSON straight from its bytes: the same request, and the same errors, as
    /// `AccessRequest(json: JSONValue.parse(bytes))`, without building the document's tree first (the authz server
    /// reads one per decision). Throws ``JSONSyntaxError`` or ``JSONShapeError``.
    public init(parsing bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBufferPointer { try AccessRequest(parsing: $0) }
    }

    /// ``init(parsing:)-([UInt8])`` on bytes in place (a request body still in its receive buffer).
    public init(parsing bytes: UnsafeBufferPointer<UInt8>) throws {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let request = try parser.parseAccessRequest()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        self = request
    }
}

extension JSONParser {
    /// The top-level object's members go straight into the request; members it does not know are parsed (the
    /// text must be valid) and dropped, as Go's decoder does. A repeated member keeps its last value. As with the
    /// tree, a syntax error anywhere wins over a member of the wrong type.
    fileprivate mutating func parseAccessRequest() throws -> AccessRequest {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else {
            let value = try parseValue(depth: 0)
            throw JSONShapeError(path: .root, message: "a request must be an object, found \(value.typeName)")
        }
        var request = AccessRequest(subject: "", action: "", resource: "")
        var shapeErrors: [String: JSONShapeError] = [:]
        try parseMembers(depth: 1) { parser, key throws(JSONSyntaxError) in
            // A later repeat of a member replaces an earlier one's error (hashing every key only when there is one).
            if !shapeErrors.isEmpty { shapeErrors[key] = nil }
            // The context is read straight into the request, so that the dictionary stays uniquely owned (authz adds
            // `username` to it without copying).
            if key == "context", parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: "{") {
                request.context = try parser.parseObjectMembers(depth: 2)
                return
            }
            let value = try parser.parseValue(depth: 1)
            do throws(JSONShapeError) {
                // The usual members first: no error path is built unless a member is of the wrong type.
                switch (key, value) {
                case ("subject", .string(let text)): request.subject = text
                case ("action", .string(let text)): request.action = text
                case ("resource", .string(let text)): request.resource = text
                case ("subject", .null): request.subject = ""
                case ("action", .null): request.action = ""
                case ("resource", .null): request.resource = ""
                case ("subject", _), ("action", _), ("resource", _): _ = try value.string(at: JSONPath.root.appending(key))
                case ("context", .null): request.context = [:]
                case ("context", _):  // an object was read above
                    throw JSONShapeError(path: JSONPath.root.appending("context"),
                                         message: "context must be an object, found \(value.typeName)")
                default: break
                }
            } catch {
                shapeErrors[key] = error
            }
        }
        // A member of the wrong type fails unless a later repeat of it (the one Go keeps) is right.
        if let error = ["context", "subject", "action", "resource"].lazy.compactMap({ shapeErrors[$0] }).first { throw error }
        return request
    }
}
