import IAMResources
import Testing

@Suite struct ValidationRulesTests {
    @Test(arguments: ["admin", "colin", "a", "my.name", "123-abc", "example.com/name", "A_b-c.D", String(repeating: "x", count: 63)])
    func acceptsQualifiedNames(_ name: String) {
        #expect(ValidationRules.qualifiedNameProblem(name) == nil)
    }

    @Test(arguments: ["", "-a", "a-", "a b", "a/b/c", "/a", "Example.com/a", "ä", String(repeating: "x", count: 64), "a\n"])
    func rejectsOtherNames(_ name: String) {
        #expect(ValidationRules.qualifiedNameProblem(name) != nil)
    }

    @Test(arguments: ["Admin@2021", "Colin@2021", "aB3$aB3$aB3$aB3$", "Pass word1!"])
    func acceptsComplexPasswords(_ password: String) {
        #expect(ValidationRules.passwordProblem(password) == nil)
    }

    @Test(arguments: ["short1A!", "admin@2021", "ADMIN@2021", "Admin2021x", "Admin@abcd", "aB3$aB3$aB3$aB3$x", "Aa1!"])
    func rejectsWeakPasswords(_ password: String) {
        // "short1A!" is 8 characters with every class, so it is the one acceptable entry here.
        #expect((ValidationRules.passwordProblem(password) == nil) == (password == "short1A!"))
    }

    @Test func emails() {
        #expect(ValidationRules.emailProblem("colin@foxmail.com") == nil)
        for bad in ["", "colin", "@x.com", "colin@", "co lin@x.com", "a@b..c", String(repeating: "a", count: 95) + "@x.com"] {
            #expect(ValidationRules.emailProblem(bad) != nil, "\(bad)")
        }
    }
}
