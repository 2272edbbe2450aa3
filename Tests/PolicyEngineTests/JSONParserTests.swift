import Foundation
import IAMTestSupport
import PolicyEngine
import Testing

@Suite struct JSONParserTests {
    @Test(arguments: ["policies-full-1000.json", "requests-full-1000.json", "expected-full-100.json"])
    func parsesFixturesAsFoundationDoes(name: String) throws {
        let data = try Data(contentsOf: Fixtures.conformanceDirectory.appendingPathComponent(name))
        #expect(try JSONValue.parse(data) == JSONDecoder().decode(JSONValue.self, from: data))
    }

    @Test func valuesAndEscapes() throws {
        let value = try JSONValue.parse(#" {"a":[1,-2.5e3,true,false,null],"s":"q\"\\\/\n\u00e9\ud83d\ude00","a":"last"} "#)
        #expect(value.member("a") == .string("last"))  // duplicate keys: the last wins, as in Go
        #expect(try JSONValue.parse(#"[1,-2.5e3,true,false,null]"#) == .array([.number(1), .number(-2500), true, false, .null]))
        #expect(value.member("s") == .string("q\"\\/\né😀"))
    }

    @Test(arguments: [
        ("[1,]", 1, 4, "expected a value"),
        ("{\"a\":1\n,\"b\" 2}", 2, 6, "expected ':'"),
        ("[01]", 1, 2, "leading zero"),
        ("\"abc", 1, 1, "unterminated string"),
        ("[1] x", 1, 5, "unexpected text"),
        ("{\"a\":tru}", 1, 6, "expected true"),
        ("\"\\ud800\"", 1, 8, "unpaired surrogate"),
        ("\"a\tb\"", 1, 3, "control character"),
        ("", 1, 1, "unexpected end"),
    ])
    func errorsCarryLineAndColumn(text: String, line: Int, column: Int, fragment: String) {
        do {
            _ = try JSONValue.parse(text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        }
    }

    @Test func hostileInputIsRejectedNotCrashed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(deep) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22]) }  // not UTF-8
    }
}

/// String literals as Go's encoding/json writes them (without HTML escaping), and back.
@Suite struct JSONQuotingTests {
    @Test func escapesExactlyWhatJSONNeeds() throws {
        #expect(quoteJSON("") == #""""#)
        #expect(quoteJSON("plain text, é and 日本") == #""plain text, é and 日本""#)
        #expect(quoteJSON("a\"b\\c\nd\re\tf\u{1}g\u{1F}") == #""a\"b\\c\nd\re\tf\u0001g\u001f""#)
        #expect(quoteJSON(#"{"k":"v"}"#) == #""{\"k\":\"v\"}""#)
        for text in ["x", "\"", "\\\\", "\u{0}", "mixed \"é\" \u{7}", String(repeating: "\"a", count: 1000)] {
            #expect(try JSONValue.parse(quoteJSON(text)) == .string(text), "\(text.debugDescription)")
            // Without the quotes: the same text between them, whether or not anything needed escaping.
            var unquoted = JSONTextBuffer()
            unquoted.appendEscaped(text)
            #expect("\"" + unquoted.text + "\"" == quoteJSON(text), "\(text.debugDescription)")
        }
    }
}

extension JSONQuotingTests {
    /// Plain runs are skipped eight bytes at a time: a character that needs escaping is found wherever it stands.
    @Test func everyPositionOfAnEscapedCharacterIsFound() throws {
        let plain = Array(repeating: Character("p"), count: 40)
        for position in 0..<plain.count {
            for special in ["\"", "\\", "\n", "\u{1}", "\u{1F}", "é"] {
                var characters = plain
                characters[position] = Character(special)
                let text = String(characters)
                #expect(try JSONValue.parse(quoteJSON(text)) == .string(text), "\(special.debugDescription) at \(position)")
                #expect(quoteJSON(text).utf8.count == text.utf8.count + 2 + (special == "é" ? 0 : special.utf8.first! < 0x20 && special != "\n" ? 5 : 1))
            }
        }
    }
}

extension JSONQuotingTests {
    /// A value written escaped in one pass is its JSON text escaped afterwards, byte for byte, wherever a character
    /// that needs escaping (once or twice) stands, in strings and in keys.
    @Test func aValueWrittenEscapedIsItsTextEscaped() throws {
        let plain = Array(repeating: Character("p"), count: 20)
        for position in 0..<plain.count {
            for special in ["\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}", "é", "/"] {
                var characters = plain
                characters[position] = Character(special)
                let text = String(characters)
                let value = JSONValue.object([
                    "resource": .string(text), text: .array([.string(text), .number(1.5), .bool(true), .null]),
                    "context": .object(["n": .number(42), "k\"": .string("v\\" + text)]),
                ])
                var oneStep = JSONTextBuffer()
                oneStep.appendEscaped(value)
                var text2 = JSONTextBuffer()
                text2.append(value)
                var twoSteps = JSONTextBuffer()
                twoSteps.appendEscaped(text2.text)
                #expect(oneStep.text == twoSteps.text, "\(special.debugDescription) at \(position)")
                #expect(try JSONValue.parse("\"" + oneStep.text + "\"") == .string(text2.text))
            }
        }
    }
}

/// `AccessRequest(parsing:)` reads a request straight from bytes; it must accept, refuse and decode exactly what
/// decoding the parsed tree does.
@Suite struct AccessRequestParsingTests {
    static func viaTree(_ bytes: [UInt8]) -> AccessRequest? {
        guard let value = try? JSONValue.parse(bytes) else { return nil }
        return try? AccessRequest(json: value)
    }

    @Test func fixtureRequestsDecodeAsThroughTheTree() throws {
        guard case .array(let items) = try Fixtures.json("requests-full-1000.json") else { throw Fixtures.FixtureError.notAnArray }
        for item in items {
            let bytes = Array(item.description.utf8)
            #expect(try AccessRequest(parsing: bytes) == Self.viaTree(bytes))
        }
    }

    @Test(arguments: [
        #"{"subject":"s","action":"a","resource":"r","context":{"k":[1,{"x":null}]}}"#,
        #"{"subject":null,"action":"a","extra":{"deep":[true,false]},"resource":"r","context":null}"#,
        #" { "subject" : "first" , "subject" : "last" } "#,
        #"{}"#,
        #"{"subject":1}"#,
        #"{"context":"text"}"#,
        #"["subject"]"#,
        #"{"subject":"s",}"#,
        #"{"subject":"s"} x"#,
        #"{"subject":"s\u00e9\"q"}"#,
        #"{"subject":"unterminated}"#,
        #"{"context":{"a":1},"context":null}"#,
        #"{"subject":1,"subject":"repaired"}"#,
        #"{"subject":"ok","subject":1}"#,
        #"{"subject":1,"action":"a","resource":"r"}"#,
        #"{"context":[],"subject":"s","context":{"k":"v"}}"#,
        "",
        "null",
    ])
    func acceptsAndRefusesWhatTheTreeDoes(text: String) {
        let bytes = Array(text.utf8)
        let direct = try? AccessRequest(parsing: bytes)
        #expect(direct == Self.viaTree(bytes), "\(text)")
    }

    /// Fixture requests cut short and with bytes replaced: both readers agree on every one.
    @Test func mutatedRequestsAgree() throws {
        guard case .array(let items) = try Fixtures.json("requests-full-100.json") else { throw Fixtures.FixtureError.notAnArray }
        var generator = SplitMix64(seed: 7)
        let replacements = Array(#"{}[]",:\ "0a-en"#.utf8)
        for item in items.prefix(200) {
            var bytes = Array(item.description.utf8)
            switch generator.next() % 3 {
            case 0: bytes.removeLast(Int(generator.next() % UInt64(bytes.count)))
            default:
                for _ in 0..<3 {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = replacements[Int(generator.next() % UInt64(replacements.count))]
                }
            }
            #expect((try? AccessRequest(parsing: bytes)) == Self.viaTree(bytes), "\(String(decoding: bytes, as: UTF8.self))")
        }
    }
}
