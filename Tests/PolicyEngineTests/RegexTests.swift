@testable import PolicyEngine
import Testing

@Suite struct RegexTests {
    private func search(_ pattern: String, _ text: String) throws -> RegexRunResult {
        var text = text
        let compiled = try SearchPattern(pattern)
        return text.withUTF8 { compiled.matches($0) }
    }

    private func whole(_ pattern: String, _ text: String) throws -> RegexRunResult {
        var text = text
        let program = try RegexProgram(RegexParser.parse(pattern), mode: .wholeText, pattern: pattern)
        return text.withUTF8 { program.run($0) }
    }

    @Test(arguments: [
        ("Mobile", "Mozilla/5.0 (Mobile)", true),
        ("^wget/", "wget/1.21", true),
        ("^wget/", "xwget/1.21", false),
        ("^(curl|wget)/[0-9.]+$", "curl/8.4.0", true),
        ("^(curl|wget)/[0-9.]+$", "curl/8.4.0 extra", false),
        ("(?i)mobile", "MOBILE", true),
        ("mobile", "MOBILE", false),
        ("\\bcat\\b", "a cat here", true),
        ("\\bcat\\b", "concatenate", false),
        ("a.c", "a\nc", false),
        ("(?s)a.c", "a\nc", true),
        ("(?m)^b$", "a\nb\nc", true),
        ("^b$", "a\nb\nc", false),
        ("[[:digit:]]{3}", "ab123", true),
        ("[^a-z]", "abc", false),
        ("\\d+\\s\\w+", "12 ab", true),
        ("x{2,3}", "axxb", true),
        ("x{2,3}", "axb", false),
        ("a{,2}", "a{,2}", true),  // not a repeat: literal braces, as in RE2
        ("\\x41\\x{42}", "AB", true),
        ("[\\]a]", "]", true),
        ("colou?r", "color", true),
        ("(?P<word>ab)+", "abab", true),
        ("", "anything", true),
    ])
    func searchesLikeGoRegexp(pattern: String, text: String, expected: Bool) throws {
        #expect(try search(pattern, text) == (expected ? .match : .noMatch))
    }

    @Test(arguments: ["(", ")", "[a", "a**", "*a", "a{3,2}", "\\q", "(?=a)", "(?<=a)b", "\\1", "a{1001}", "[[:nope:]]", "\\"])
    func rejectsWhatRE2Rejects(pattern: String) {
        #expect(throws: RegexSyntaxError.self) { try RegexParser.parse(pattern) }
    }

    @Test func pathologicalPatternsFinishInLinearWork() throws {
        let text = String(repeating: "a", count: 5000)
        #expect(try whole("(a*)*b", text) == .noMatch)
        #expect(try whole("(a|aa)*c", text) == .noMatch)
        #expect(try whole("(a+)+", text) == .match)
        #expect(try search("(x+x+)+y", String(repeating: "x", count: 3000)) == .noMatch)
    }

    @Test func inputsBeyondTheStateBudgetAreReportedNotRun() throws {
        let text = String(repeating: "a", count: RegexProgram.maximumStates / 4)
        #expect(try whole("(a|b|c|d)*e", text) == .tooExpensive)
    }

    @Test func errorsSayWhereThePatternBreaks() {
        do {
            _ = try RegexParser.parse("ab(cd")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "missing closing )")
            #expect(error.description.contains("ab(cd"))
        }
    }
}
