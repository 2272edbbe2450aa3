@testable import PolicyEngine
import Testing

@Suite struct TemplateTests {
    /// Matches through the same code decisions use: a one-template list of a compiled policy set.
    private func matches(_ template: String, _ needle: String) throws -> RegexRunResult {
        _ = try CompiledTemplate(template)  // must compile
        let code = PolicyCode([CompiledPolicy(Policy(id: "t", subjects: [template], effect: "allow", resources: ["r"], actions: ["a"]))])
        var text = needle
        switch text.withUTF8({ code.match(code.policies[0].subjects, $0) }) {
        case .passed: return .match
        case .rejected: return .noMatch
        case .failed: return .tooExpensive
        }
    }

    @Test(arguments: [
        ("users:peter", "users:peter", true),
        ("users:peter", "users:Peter", false),
        ("users:peter", "users:peter ", false),
        ("a>b", "a>b", true),  // '>' alone does not make a regex
        ("users:<peter|ken>", "users:ken", true),
        ("users:<peter|ken>", "users:kent", false),
        ("resources:articles:<.*>", "resources:articles:anything", true),
        ("resources:articles:<.*>", "resources:articles:", true),
        ("<create|update>", "update", true),
        ("<a<b>c>", "a<b>c", true),  // nested delimiters: one top-level group
        ("x<[0-9]+>y<[a-z]{2}>", "x123yab", true),
        ("x<[0-9]+>y<[a-z]{2}>", "x123yabc", false),
        ("users:<t1-u0[0-3]>", "users:t1-u03", true),
        ("users:<t1-u0[0-3]>", "users:t1-u04", false),
        ("r:<.*>", "r:a.b", true),
        ("r.<.*>", "rxa", false),  // literal text is quoted: '.' is a dot
        ("r:<(a|b)+>:<.*>:end", "r:abba:x:end", true),
        ("<.*>", "", true),
    ])
    func matchesLikeLadon(template: String, needle: String, expected: Bool) throws {
        #expect(try matches(template, needle) == (expected ? .match : .noMatch))
    }

    @Test func dollarIsStrictAndDotSkipsNewline() throws {
        #expect(try matches("users:<.*>", "users:bob\n") == .noMatch)
        #expect(try matches("r:<[0-9]+>", "r:12\n") == .noMatch)
        #expect(try matches("r:<(?:x|y)*>", "r:xy\n") == .noMatch)
        #expect(try matches("a<.*>b", "a\nb") == .noMatch)
        #expect(try matches("a<(?s).*>b", "a\nb") == .match)
    }

    @Test func unicodeIsMatchedByScalarAndBytesExactly() throws {
        #expect(try matches("u:<.>", "u:é") == .match)
        #expect(try matches("u:<.>", "u:e\u{301}") == .noMatch)  // two scalars
        #expect(try matches("u:é", "u:e\u{301}") == .noMatch)  // canonically equal, different bytes
        #expect(try matches("u:<[à-ü]+>", "u:éü") == .match)
    }

    @Test(arguments: ["users:<peter", "users:peter>x<", "a>b<c>", "<(>", "<a{2,1}>", "<\\p{L}>", "<*>", "<a)|(b>"])
    func malformedTemplatesAreErrors(template: String) {
        #expect(throws: TemplateError.self) { try CompiledTemplate(template) }
    }

    @Test func dedicatedMatchersAreChosenForCommonShapes() throws {
        func kind(_ template: String) throws -> String {
            switch try CompiledTemplate(template).matcher {
            case .exact: "exact"
            case .oneOf: "oneOf"
            case .prefixAnySuffix: "prefixAnySuffix"
            case .program: "program"
            }
        }
        #expect(try kind("get") == "exact")
        #expect(try kind("<get>") == "exact")
        #expect(try kind("<get|list|print>") == "oneOf")
        #expect(try kind("users:<t1-u0[0-3]>") == "oneOf")
        #expect(try kind("resources:<.*>") == "prefixAnySuffix")
        #expect(try kind("users:<t0001-.*>") == "prefixAnySuffix")
        #expect(try kind("<.*>:end") == "prefixAnySuffix")
        #expect(try kind("r:<bkt-[0-9a-f]{4}>") == "program")
        #expect(try kind("r:<.*>:t1:<.*>") == "program")
    }

    @Test func indexKeysDescribeEveryMatch() throws {
        #expect(try CompiledTemplate("<get|list>").indexKey == .exact([Array("get".utf8), Array("list".utf8)]))
        #expect(try CompiledTemplate("users:<t1-.*>").indexKey == .prefix(Array("users:t1-".utf8)))
        #expect(try CompiledTemplate("r:<[0-9]+>").indexKey == .prefix(Array("r:".utf8)))
        #expect(try CompiledTemplate("<.*>").indexKey == .prefix([]))
    }
}
