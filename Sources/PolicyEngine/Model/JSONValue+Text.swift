extension JSONValue: CustomStringConvertible {
    /// Compact JSON text; object members sorted by key (as Go's `encoding/json` writes maps).
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        case .string(let value): return JSONValue.quoted(value)
        case .array(let items): return "[" + items.map(\.description).joined(separator: ",") + "]"
        case .object(let members):
            let body = members.sorted { $0.key < $1.key }.map { JSONValue.quoted($0.key) + ":" + $0.value.description }
            return "{" + body.joined(separator: ",") + "}"
        }
    }

    /// `text` as a JSON string literal. Works on UTF-8 bytes (every byte that needs escaping is ASCII), and
    /// returns the text unchanged between quotes when nothing needs escaping: the audit records of every decision
    /// pass through here.
    public static func quoted(_ text: String) -> String {
        var text = text
        return text.withUTF8 { source in
            // First pass: the exact length, so the result is written once into its own storage.
            var extra = 0
            for byte in source where byte == 0x22 || byte == 0x5C || byte < 0x20 {
                extra += byte == 0x22 || byte == 0x5C || byte == 0x0A || byte == 0x0D || byte == 0x09 ? 1 : 5
            }
            if extra == 0 { return "\"" + String(decoding: source, as: UTF8.self) + "\"" }
            return String(unsafeUninitializedCapacity: source.count + extra + 2) { output in
                let hex: StaticString = "0123456789abcdef"
                var index = 0
                func put(_ byte: UInt8) {
                    output[index] = byte
                    index += 1
                }
                put(0x22)
                for byte in source {
                    switch byte {
                    case 0x22, 0x5C: put(0x5C); put(byte)
                    case 0x0A: put(0x5C); put(UInt8(ascii: "n"))
                    case 0x0D: put(0x5C); put(UInt8(ascii: "r"))
                    case 0x09: put(0x5C); put(UInt8(ascii: "t"))
                    case 0..<0x20:
                        put(0x5C); put(UInt8(ascii: "u")); put(0x30); put(0x30)
                        put(hex.utf8Start[Int(byte >> 4)]); put(hex.utf8Start[Int(byte & 15)])
                    default: put(byte)
                    }
                }
                put(0x22)
                return index
            }
        }
    }
}
