import IAMTestSupport
import PolicyEngine
import Testing

/// `JSONReader` walks a document without building it: what it skips or keeps raw must be accepted and refused
/// exactly as `JSONValue.parse` accepts and refuses it, with the same error.
@Suite struct JSONReaderTests {
    /// The outcome of reading a whole document: its tree, or the syntax error.
    enum Outcome: Equatable {
        case value(JSONValue)
        case error(JSONSyntaxError)
    }

    static func parsed(_ bytes: [UInt8]) -> Outcome {
        do { return .value(try JSONValue.parse(bytes)) } catch { return .error(error) }
    }

    /// Skips the document's value, then parses the raw text the reader kept.
    static func skippedAndKept(_ bytes: [UInt8]) -> (skipped: Outcome, kept: Outcome) {
        func run(_ step: (inout JSONReader) throws -> JSONValue) -> Outcome {
            do {
                return .value(try bytes.withUnsafeBufferPointer { try JSONReader.read($0, step) })
            } catch let error as JSONSyntaxError {
                return .error(error)
            } catch {
                Issue.record("unexpected \(error)")
                return .value(.null)
            }
        }
        let skipped = run { reader in
            try reader.skipValue()
            return (try? JSONValue.parse(bytes)) ?? .null
        }
        let kept = run { reader in try JSONValue.parse(bytes[try reader.readRawValue()]) }
        return (skipped, kept)
    }

    @Test(arguments: [
        #"{"a":[1,-2.5e3,true,false,null],"s":"q\"\\\/\n\u00e9\ud83d\ude00","a":"last"}"#,
        #" [ "é", "\u00e9", "日本", {"k" : {}} , [] ] "#,
        #""\ud800""#, #""\udc00x""#, #""\ud800\u0041""#, #""\u12G4""#, #""\x""#, "\"a\tb\"", "\"abc",
        "[1,]", "{\"a\":1\n,\"b\" 2}", "[01]", "[1] x", "{\"a\":tru}", "", "{\"a\" 1}", "{,}", "[1 2]", "-", "1.", "1e",
    ])
    func skipsAndKeepsWhatParseAccepts(text: String) {
        let bytes = Array(text.utf8)
        let expected = Self.parsed(bytes)
        let (skipped, kept) = Self.skippedAndKept(bytes)
        #expect(skipped == expected, "\(text)")
        #expect(kept == expected, "\(text)")
    }

    @Test func notUTF8AndDeepNestingAreRefusedAsParseRefusesThem() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0xFE, 0x22], [0x22, 0xC3, 0x5C, 0x6E, 0xA9, 0x22], [0x22, 0xC3, 0xA9, 0x22]] {
            #expect(Self.skippedAndKept(bytes).skipped == Self.parsed(bytes))
        }
        let deep = Array((String(repeating: "[", count: 300) + String(repeating: "]", count: 300)).utf8)
        guard case .error(let error) = Self.skippedAndKept(deep).skipped else {
            Issue.record("accepted 300 levels")
            return
        }
        #expect(error.message.contains("nesting deeper"))
        #expect(Self.skippedAndKept(deep).skipped == Self.parsed(deep))
    }

    /// Strings are stepped over eight bytes at a time: a quote, backslash, control character or non-ASCII byte at
    /// every position of strings of every length up to three words is found as the parser finds it.
    @Test func everyByteOfAStringIsSeenWhateverItsPlaceInAWord() {
        let specials: [[UInt8]] = [[0x22], [0x5C], [0x5C, 0x6E], [0x5C, 0x71], [0x00], [0x1F], [0x20], [0x7F], [0x80],
                                   [0xC3, 0xA9], [0xC3], [0xFF], [0x5C, 0x75, 0x30, 0x30, 0x65, 0x39]]
        var compared = 0
        for length in 0...24 {
            for special in specials {
                for place in 0...length {
                    var text = Array(repeating: UInt8(ascii: "a"), count: length)
                    text.insert(contentsOf: special, at: place)
                    for bytes in [[0x22] + text + [0x22], [0x5B, 0x22] + text + [0x22, 0x5D], [0x22] + text] {
                        #expect(Self.skippedAndKept(bytes).skipped == Self.parsed(bytes), "\(bytes)")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == 3 * 13 * (1...25).reduce(0, +))
    }

    /// Fixture documents cut short and with bytes replaced (structure, escapes, non-UTF-8): the reader agrees with
    /// the parser on every one, errors included.
    @Test func mutatedDocumentsAgree() throws {
        guard case .array(let items) = try Fixtures.json("policies-full-1000.json") else { throw Fixtures.FixtureError.notAnArray }
        var generator = SplitMix64(seed: 11)
        let replacements = Array(#"{}[]",:\ "0a-enu"#.utf8) + [0x09, 0x0A, 0xC3, 0xA9, 0xFF, 0x7F]
        var refused = 0
        for item in items.prefix(600) {
            // Policies as texts inside a record, as an audit record carries them: escapes everywhere.
            var bytes = Array(JSONValue.object(["policy": .string(item.description), "raw": item]).description.utf8)
            if generator.below(4) == 0 {
                bytes.removeLast(generator.below(bytes.count))
            } else {
                for _ in 0..<(1 + generator.below(3)) {
                    bytes[generator.below(bytes.count)] = replacements[generator.below(replacements.count)]
                }
            }
            let expected = Self.parsed(bytes)
            if case .error = expected { refused += 1 }
            let (skipped, kept) = Self.skippedAndKept(bytes)
            #expect(skipped == expected, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(kept == expected, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(refused > 200, "the mutations must break most documents: \(refused) of 600")
    }

    @Test func membersElementsAndRawTextAreReadInOrder() throws {
        let text = #" {"id":"r1", "skip":{"x":[1,2,{"y":"\"z\""}]}, "record" : {"a":"\"q\"","b":[true]} , "list":[10,"x",null]} "#
        var seen: [String] = []
        var record = ""
        var list: [JSONValue] = []
        try Array(text.utf8).withUnsafeBufferPointer { bytes in
            try JSONReader.read(bytes) { reader in
                #expect(reader.nextKind == .object)
                try reader.readObject { reader, key in
                    seen.append(key)
                    switch key {
                    case "id": #expect(try reader.readValue() == .string("r1"))
                    case "record": record = String(decoding: bytes[try reader.readRawValue()], as: UTF8.self)
                    case "list":
                        try reader.readArray { reader, index in
                            #expect(index == list.count)
                            list.append(try reader.readValue())
                        }
                    default: try reader.skipValue()
                    }
                }
            }
        }
        #expect(seen == ["id", "skip", "record", "list"])
        #expect(record == #"{"a":"\"q\"","b":[true]}"#, "the exact text, without the whitespace around it")
        #expect(list == [.number(10), .string("x"), .null])
    }

    @Test func readingTheWrongKindOrLeavingTextBehindIsAnError() {
        let array = Array("[1]".utf8)
        #expect(throws: JSONSyntaxError.self) {
            try array.withUnsafeBufferPointer { try JSONReader.read($0) { try $0.readObject { _, _ in } } }
        }
        let two = Array("{} {}".utf8)
        #expect(throws: JSONSyntaxError.self) {
            try two.withUnsafeBufferPointer { try JSONReader.read($0) { try $0.readObject { _, _ in } } }
        }
        // A member the callback leaves unread makes the next step fail, not silently skip.
        let object = Array(#"{"a":1,"b":2}"#.utf8)
        #expect(throws: JSONSyntaxError.self) {
            try object.withUnsafeBufferPointer { try JSONReader.read($0) { try $0.readObject { _, _ in } } }
        }
    }
}
