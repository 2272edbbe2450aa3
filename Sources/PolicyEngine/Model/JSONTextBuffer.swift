/// JSON text written into one byte buffer: strings are escaped straight into it and values rendered in place, so
/// building a document makes no intermediate strings (audit records are built on every decision).
public struct JSONTextBuffer: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The text with one more byte at the end, made in one allocation (the buffer itself is not copied).
    public func text(appending last: UInt8) -> String {
        String(unsafeUninitializedCapacity: bytes.count + 1) { output in
            _ = output.initialize(from: bytes)
            output[bytes.count] = last
            return bytes.count + 1
        }
    }

    public mutating func appendByte(_ byte: UInt8) { bytes.append(byte) }

    /// Appends already-encoded text as it is.
    public mutating func appendRaw(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends `text` as a JSON string literal.
    public mutating func appendQuoted(_ text: String) {
        var text = text
        text.withUTF8 { appendEscaped(bytes: $0, quoted: true) }
    }

    /// Appends what `text` becomes inside a JSON string literal, without the quotes: text escaped once can be
    /// pasted into many documents (and `[`, `,`, `]` need no escaping, so escaped JSON texts can be joined into an
    /// escaped JSON array).
    public mutating func appendEscaped(_ text: String) {
        var text = text
        text.withUTF8 { appendEscaped(bytes: $0, quoted: false) }
    }

    /// ``appendEscaped(_:)`` for UTF-8 bytes. Every byte that needs escaping is ASCII: one pass measures the result,
    /// a second writes it in place.
    public mutating func appendEscaped(bytes source: UnsafeBufferPointer<UInt8>, quoted: Bool = false) {
        var extra = 0
        for byte in source[Self.plainPrefixLength(source)...] where byte == 0x22 || byte == 0x5C || byte < 0x20 {
            extra += byte == 0x22 || byte == 0x5C || byte == 0x0A || byte == 0x0D || byte == 0x09 ? 1 : 5
        }
        if extra == 0 {
            // Nothing to escape (the usual case): copied as it is, without zero-filling room first.
            if quoted { bytes.append(0x22) }
            bytes.append(contentsOf: source)
            if quoted { bytes.append(0x22) }
            return
        }
        let quotes = quoted ? 2 : 0
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: source.count + extra + quotes))
        bytes.withUnsafeMutableBufferPointer { output in
            var index = start
            if quoted {
                output[index] = 0x22
                index += 1
            }
            for byte in source {
                guard byte == 0x22 || byte == 0x5C || byte < 0x20 else {
                    output[index] = byte
                    index += 1
                    continue
                }
                output[index] = 0x5C
                switch byte {
                case 0x22, 0x5C: output[index + 1] = byte; index += 2
                case 0x0A: output[index + 1] = UInt8(ascii: "n"); index += 2
                case 0x0D: output[index + 1] = UInt8(ascii: "r"); index += 2
                case 0x09: output[index + 1] = UInt8(ascii: "t"); index += 2
                default:
                    let hex: StaticString = "0123456789abcdef"
                    output[index + 1] = UInt8(ascii: "u")
                    output[index + 2] = 0x30
                    output[index + 3] = 0x30
                    output[index + 4] = hex.utf8Start[Int(byte >> 4)]
                    output[index + 5] = hex.utf8Start[Int(byte & 15)]
                    index += 6
                }
            }
            if quoted { output[index] = 0x22 }
        }
    }

    /// How many leading bytes need no escaping, found eight at a time and rounded down to whole words: a word with
    /// no `"`, no `\\` and no byte below 0x20 (``JSONWord/specialBytes(_:)``) is passed at once. Most of what audit
    /// records carry is plain.
    static func plainPrefixLength(_ source: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = source.baseAddress else { return 0 }
        var index = 0
        while index + 8 <= source.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if JSONWord.specialBytes(word) != 0 { break }
            index += 8
        }
        return index
    }

    /// Appends what `value`'s compact JSON text becomes inside a JSON string literal, without the quotes: the same
    /// bytes as ``append(_:insideString:)`` into a scratch buffer and ``appendEscaped(bytes:quoted:)`` of those, in
    /// one pass (a request carried as a string field of every audit record).
    public mutating func appendEscaped(_ value: JSONValue) { append(value, insideString: true) }

    /// `text` as a JSON string literal, itself escaped for a string literal when `insideString`.
    private mutating func appendString(_ text: String, insideString: Bool) {
        guard insideString else { return appendQuoted(text) }
        var text = text
        bytes.append(0x5C)
        bytes.append(0x22)
        text.withUTF8 { appendTwiceEscaped(bytes: $0) }
        bytes.append(0x5C)
        bytes.append(0x22)
    }

    /// `source` escaped for a string literal and the result escaped again: `"` and `\\` become four bytes
    /// (`\\\"`, `\\\\`), a newline `\\n`, another control byte `\\u00XX`.
    private mutating func appendTwiceEscaped(bytes source: UnsafeBufferPointer<UInt8>) {
        let plain = Self.plainPrefixLength(source)
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[..<plain]))
        for byte in source[plain...] {
            switch byte {
            case 0x22, 0x5C: bytes.append(contentsOf: [0x5C, 0x5C, 0x5C, byte])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "t")])
            case ..<0x20:
                let hex: StaticString = "0123456789abcdef"
                bytes.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "u"), 0x30, 0x30,
                                          hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
    }

    /// Appends `value` as compact JSON, object members sorted by key (as Go's `encoding/json` writes maps); when
    /// `insideString`, escaped for the inside of a JSON string literal (``appendEscaped(_:)-(JSONValue)``).
    public mutating func append(_ value: JSONValue, insideString: Bool = false) {
        switch value {
        case .null: appendRaw("null")
        case .bool(let flag): appendRaw(flag ? "true" : "false")
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { appendRaw(String(Int64(number))) } else { appendRaw(String(number)) }
        case .string(let text): appendString(text, insideString: insideString)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                append(item, insideString: insideString)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members) where members.isEmpty:
            appendRaw("{}")
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            // The members' positions, sorted by key, in scratch memory (a request's context has a handful).
            withUnsafeTemporaryAllocation(of: Dictionary<String, JSONValue>.Index.self, capacity: members.count) { order in
                var count = 0
                for index in members.indices {
                    (order.baseAddress! + count).initialize(to: index)
                    count += 1
                }
                defer { order.baseAddress!.deinitialize(count: count) }
                var sorted = UnsafeMutableBufferPointer(rebasing: order[0..<count])
                sorted.sort { members[$0].key < members[$1].key }
                for (position, index) in sorted.enumerated() {
                    if position > 0 { bytes.append(UInt8(ascii: ",")) }
                    let (key, member) = members[index]
                    appendString(key, insideString: insideString)
                    bytes.append(UInt8(ascii: ":"))
                    append(member, insideString: insideString)
                }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
