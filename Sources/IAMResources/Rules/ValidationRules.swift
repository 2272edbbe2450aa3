/// The validation rules of marmotedu/iam's models (component-base `pkg/validation`), each returning what is wrong
/// or nil.
public enum ValidationRules {
    /// `IsQualifiedName`: an optional DNS-1123 subdomain prefix and `/`, then 1–63 characters of
    /// `[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]`.
    public static func qualifiedNameProblem(_ value: String) -> String? {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        switch parts.count {
        case 1: name = parts[0]
        case 2:
            if parts[0].isEmpty { return "prefix part must be non-empty" }
            if let problem = subdomainProblem(parts[0]) { return "prefix part \(problem)" }
            name = parts[1]
        default:
            return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/'"
        }
        if name.isEmpty { return "name part must be non-empty" }
        if name.utf8.count > 63 { return "name part must be no more than 63 characters" }
        let bytes = Array(name.utf8)
        let interiorOK = bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
        guard interiorOK, isAlphanumeric(bytes.first!), isAlphanumeric(bytes.last!) else {
            return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', 'my.name' or '123-abc')"
        }
        return nil
    }

    private static func subdomainProblem(_ value: Substring) -> String? {
        if value.utf8.count > 253 { return "must be no more than 253 characters" }
        for label in value.split(separator: ".", omittingEmptySubsequences: false) {
            let bytes = Array(label.utf8)
            let ok = !bytes.isEmpty && bytes.count <= 63
                && bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
                && isLowerAlphanumeric(bytes.first!) && isLowerAlphanumeric(bytes.last!)
            if !ok { return "must be a lowercase RFC 1123 subdomain (e.g. 'example.com')" }
        }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// `IsValidPassword`: 8–16 characters with a lowercase and an uppercase letter, a digit and a punctuation or
    /// symbol character.
    public static func passwordProblem(_ value: String) -> String? {
        var lower = false, upper = false, digit = false, special = false
        let count = value.count
        for character in value {
            if character.isNumber { digit = true }
            else if character.isUppercase { upper = true }
            else if character.isLowercase { lower = true }
            else if character.isPunctuation || character.isSymbol { special = true }
            else if !character.isLetter && character != " " {
                return "password may contain only letters, digits, spaces, punctuation and symbols"
            }
        }
        if count < 8 || count > 16 { return "password must be 8 to 16 characters long" }
        if !(lower && upper && digit && special) {
            return "password must contain a lowercase letter, an uppercase letter, a digit and a punctuation or symbol character"
        }
        return nil
    }

    /// A plausible e-mail address of at most 100 characters: `local@domain.tld`, no spaces.
    public static func emailProblem(_ value: String) -> String? {
        if value.isEmpty { return "email is required" }
        if value.count > 100 { return "email must be at most 100 characters" }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !value.contains(where: { $0.isWhitespace || $0.isNewline }),
            parts[1].split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty }),
            !parts[1].hasPrefix("-")
        else { return "email must be a valid e-mail address" }
        return nil
    }

    /// A required text of `range` characters.
    public static func lengthProblem(_ field: String, _ value: String, _ range: ClosedRange<Int>) -> String? {
        let count = value.count
        if range.lowerBound > 0 && count == 0 { return "\(field) is required" }
        if !range.contains(count) { return "\(field) must be \(range.lowerBound) to \(range.upperBound) characters long" }
        return nil
    }
}
