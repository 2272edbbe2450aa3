@testable import PolicyEngine
import Testing

@Suite struct TemplateTests {
    /// Matches through the same code decisions use: a one-template list of a compiled policy set.
    private func matches(_ template: String, _ needle: String) throws -> RegexRunResult {
        _ = try CompiledTemplate(template)  // must compile
        let policy = Policy(id: "t", subjects: [template], effect: "allow", resources: ["r"], actions: ["a"])
        let code = PolicyCode([CompiledPolicy(policy)], bodies: PolicyBodies([policy]), allows: [true])
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
        ("r:<bkt-[0-9a-f]{4}>", "r:bkt-00af", true),
        ("r:<bkt-[0-9a-f]{4}>", "r:bkt-00a", false),
        ("r:<bkt-[0-9a-f]{4}>", "r:bkt-00afe", false),
        ("r:<bkt-[0-9a-f]{4}>", "r:bkt-00AF", false),
        ("r:<[0-9]+>:end", "r:123:end", true),
        ("r:<[0-9]+>:end", "r::end", false),
        ("r:<[0-9]*>:end", "r::end", true),
        ("r:<[^:]{1,3}>", "r:ééé", true),
        ("r:<[^:]{1,3}>", "r:éééé", false),
        ("r:<.+>", "r:a\nb", false),
        ("r:<.*>:t1:<.*>", "r:x:t1:y", true),
        ("r:<.*>:t1:<.*>", "r::t1:", true),
        ("r:<.*>:t1:<.*>", "r:x:t2:y", false),
        ("r:<.*>:t1:<.*>", "r:x:t1:y\n", false),
        ("<.*>ab<.*>ab", "xabab", true),
        ("<.*>ab<.*>ab", "xab", false),
        ("a<.*>b<.*>c", "abc", true),
        ("a<.*>b<.*>c", "acb", false),
        ("r:<reports|printers>:t1:<.*>", "r:printers:t1:p9", true),
        ("r:<reports|printers>:t1:<.*>", "r:report:t1:p9", false),
        ("r:<a|b|ab>:<.*>:x", "r:ab:q:x", true),
        ("r:<a|b|ab>:<.*>:x", "r:ab:q\n:x", false),
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
            let matchers = try CompiledTemplate(template).matchers
            guard matchers.count == 1 else { return "\(matchers.count) alternatives" }
            switch matchers[0] {
            case .exact: return "exact"
            case .oneOf: return "oneOf"
            case .prefixAnySuffix: return "prefixAnySuffix"
            case .prefixClassRunSuffix: return "classRun"
            case .glob: return "glob"
            case .program: return "program"
            }
        }
        #expect(try kind("get") == "exact")
        #expect(try kind("<get>") == "exact")
        #expect(try kind("<get|list|print>") == "oneOf")
        #expect(try kind("users:<t1-u0[0-3]>") == "oneOf")
        #expect(try kind("resources:<.*>") == "prefixAnySuffix")
        #expect(try kind("users:<t0001-.*>") == "prefixAnySuffix")
        #expect(try kind("<.*>:end") == "prefixAnySuffix")
        #expect(try kind("r:<bkt-[0-9a-f]{4}>") == "classRun")
        #expect(try kind("users:<t1-u[0-9]+>") == "classRun")
        #expect(try kind("r:<.+>:x") == "classRun")
        #expect(try kind("r:<.*>:t1:<.*>") == "glob")
        #expect(try kind("<.*>a<.*>b<.*>") == "glob")
        #expect(try kind("r:<.*>:<[0-9]+>") == "program")
        #expect(try kind("r:<reports|printers>:t1:<.*>") == "2 alternatives")
        #expect(try kind("r:<a|b|c>:<.*>:x:<.*>") == "3 alternatives")
        #expect(try kind("r:<[0-9]+|x>") == "program")
    }

    @Test func indexKeysDescribeEveryMatch() throws {
        #expect(try CompiledTemplate("<get|list>").indexKeys == [.exact([Array("get".utf8), Array("list".utf8)])])
        #expect(try CompiledTemplate("users:<t1-.*>").indexKeys == [.prefix(Array("users:t1-".utf8))])
        #expect(try CompiledTemplate("r:<[0-9]+>").indexKeys == [.prefix(Array("r:".utf8))])
        #expect(try CompiledTemplate("<.*>").indexKeys == [.prefix([])])
        #expect(try CompiledTemplate("r:<a|b>:<.*>").indexKeys == [.prefix(Array("r:a:".utf8)), .prefix(Array("r:b:".utf8))])
    }
}
