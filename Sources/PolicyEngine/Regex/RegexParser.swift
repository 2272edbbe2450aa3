/// Parses the RE2 dialect that ladon's templates and Go's `regexp` accept.
///
/// Supported: literals, `.`, `[...]` (ranges, negation, escapes, POSIX `[:name:]`), `\d \D \w \W \s \S`,
/// `\b \B \A \z`, `^ $`, escapes of punctuation and `\t \n \r \f \v \a \x41 \x{263a}`, groups `( )`,
/// `(?: )`, `(?P<name> )`, `(?<name> )`, flags `(?ismU)` and `(?ismU: )`, `| * + ? {n} {n,} {n,m}` with
/// lazy forms. Rejected with an error: back-references, look-around, `\p` classes, possessive forms.
struct RegexParser {
    /// Largest count allowed in `{n,m}`, as in RE2.
    static let maximumRepeat = 1000
    static let maximumDepth = 200

    private struct Flags {
        var caseInsensitive = false
        var dotMatchesNewline = false
        var multiline = false
    }

    private let pattern: String
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0

    static func parse(_ pattern: String) throws(RegexSyntaxError) -> RegexNode {
        var parser = RegexParser(pattern: pattern)
        var flags = Flags()
        let node = try parser.parseAlternation(flags: &flags)
        if parser.position < parser.scalars.count {
            throw parser.error("unexpected )")
        }
        return node
    }

    private init(pattern: String) {
        self.pattern = pattern
        self.scalars = Array(pattern.unicodeScalars)
    }

    private func error(_ message: String) -> RegexSyntaxError {
        RegexSyntaxError(message: message, pattern: pattern, offset: position)
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func parseAlternation(flags: inout Flags) throws(RegexSyntaxError) -> RegexNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= RegexParser.maximumDepth else { throw error("expression nests too deeply") }
        var branches = [try parseConcatenation(flags: &flags)]
        while current == "|" {
            position += 1
            branches.append(try parseConcatenation(flags: &flags))
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcatenation(flags: inout Flags) throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            if scalar == "(", let flagChange = try parseFlagGroupIfPresent(flags: &flags) {
                if let scoped = flagChange { items.append(scoped) }
                continue
            }
            let atom = try parseAtom(flags: flags)
            items.append(try parseQuantifiers(applyingTo: atom))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    /// Handles `(?flags)` (changes `flags` for the rest of the group: returns `.some(nil)`) and
    /// `(?flags:...)` (returns the scoped group). Returns nil when the group is not a flag group.
    private mutating func parseFlagGroupIfPresent(flags: inout Flags) throws(RegexSyntaxError) -> RegexNode?? {
        guard position + 2 < scalars.count, scalars[position + 1] == "?" else { return nil }
        let next = scalars[position + 2]
        guard "imsU-".unicodeScalars.contains(next) else { return nil }
        let start = position
        position += 2
        var newFlags = flags
        var negate = false
        var sawFlag = false
        while let scalar = current {
            position += 1
            switch scalar {
            case "i": newFlags.caseInsensitive = !negate; sawFlag = true
            case "s": newFlags.dotMatchesNewline = !negate; sawFlag = true
            case "m": newFlags.multiline = !negate; sawFlag = true
            case "U": sawFlag = true  // ungreedy: does not change whether a text matches
            case "-":
                guard !negate else { position = start; throw error("invalid flag group") }
                negate = true
            case ")":
                guard sawFlag else { position = start; throw error("missing flag") }
                flags = newFlags
                return .some(nil)
            case ":":
                var scoped = newFlags
                let inner = try parseAlternation(flags: &scoped)
                guard current == ")" else { throw error("missing closing )") }
                position += 1
                return .some(try parseQuantifiers(applyingTo: inner))
            default:
                position -= 1
                throw error("unknown flag \"\(scalar)\"")
            }
        }
        throw error("missing closing )")
    }

    private mutating func parseAtom(flags: Flags) throws(RegexSyntaxError) -> RegexNode {
        guard let scalar = current else { throw error("unexpected end of pattern") }
        switch scalar {
        case "(":
            position += 1
            if current == "?" {
                try skipGroupName()
            }
            var inner = flags
            let node = try parseAlternation(flags: &inner)
            guard current == ")" else { throw error("missing closing )") }
            position += 1
            return node
        case "[":
            return .characterClass(try parseBracket(flags: flags))
        case ".":
            position += 1
            return .anyScalar(includesNewline: flags.dotMatchesNewline)
        case "^":
            position += 1
            return .assertion(flags.multiline ? .lineStart : .textStart)
        case "$":
            position += 1
            return .assertion(flags.multiline ? .lineEnd : .textEnd)
        case "*", "+", "?":
            throw error("missing argument to repetition operator \(scalar)")
        case "\\":
            return try parseEscape(flags: flags)
        default:
            position += 1
            return literal(scalar.value, flags: flags)
        }
    }

    /// Accepts `(?:`, `(?P<name>` and `(?<name>`; everything else after `(?` is unsupported.
    private mutating func skipGroupName() throws(RegexSyntaxError) {
        position += 1
        switch current {
        case ":":
            position += 1
        case "P", "<":
            if current == "P" { position += 1 }
            guard current == "<" else { throw error("invalid named group") }
            position += 1
            if current == "=" || current == "!" { throw error("look-behind is not supported") }
            let nameStart = position
            while let scalar = current, scalar != ">" {
                guard scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" else {
                    throw error("invalid character in group name")
                }
                position += 1
            }
            guard current == ">", position > nameStart else { throw error("invalid named group") }
            position += 1
        case "=", "!":
            throw error("look-ahead is not supported")
        default:
            throw error("unsupported group syntax (?\(current.map { String($0) } ?? "")")
        }
    }

    private mutating func parseQuantifiers(applyingTo atom: RegexNode) throws(RegexSyntaxError) -> RegexNode {
        guard let scalar = current else { return atom }
        var bounds: (min: Int, max: Int?)
        switch scalar {
        case "*": bounds = (0, nil); position += 1
        case "+": bounds = (1, nil); position += 1
        case "?": bounds = (0, 1); position += 1
        case "{":
            guard let parsed = try parseBraces() else { return atom }
            bounds = parsed
        default:
            return atom
        }
        if case .assertion = atom { return atom }  // `^*` repeats nothing that consumes text
        if current == "?" { position += 1 }  // lazy: same language
        if let next = current, next == "*" || next == "+" || next == "?" || (next == "{" && peekBraces()) {
            throw error("invalid nested repetition operator")
        }
        return .repetition(atom, min: bounds.min, max: bounds.max)
    }

    private func peekBraces() -> Bool {
        var copy = self
        return (try? copy.parseBraces()) != nil
    }

    /// Parses `{n}`, `{n,}` or `{n,m}`. Returns nil (position unchanged) when the brace is a literal.
    private mutating func parseBraces() throws(RegexSyntaxError) -> (min: Int, max: Int?)? {
        let start = position
        position += 1
        guard let minimum = parseNumber() else { position = start; return nil }
        var maximum: Int? = minimum
        if current == "," {
            position += 1
            if current == "}" {
                maximum = nil
            } else {
                guard let value = parseNumber() else { position = start; return nil }
                maximum = value
            }
        }
        guard current == "}" else { position = start; return nil }
        position += 1
        if minimum > RegexParser.maximumRepeat || (maximum ?? 0) > RegexParser.maximumRepeat {
            position = start
            throw error("repeat count above \(RegexParser.maximumRepeat)")
        }
        if let maximum, maximum < minimum {
            position = start
            throw error("invalid repeat count {\(minimum),\(maximum)}")
        }
        return (minimum, maximum)
    }

    private mutating func parseNumber() -> Int? {
        var value = 0
        var digits = 0
        while let scalar = current, ("0"..."9").contains(scalar), digits < 8 {
            value = value * 10 + Int(scalar.value - 48)
            digits += 1
            position += 1
        }
        return digits == 0 ? nil : value
    }

    private mutating func parseEscape(flags: Flags) throws(RegexSyntaxError) -> RegexNode {
        position += 1
        guard let scalar = current else { throw error("trailing backslash at end of expression") }
        switch scalar {
        case "A": position += 1; return .assertion(.textStart)
        case "z": position += 1; return .assertion(.textEnd)
        case "b": position += 1; return .assertion(.wordBoundary)
        case "B": position += 1; return .assertion(.notWordBoundary)
        default:
            if let cls = try parseClassEscape() { return .characterClass(cls) }
            return literal(try parseLiteralEscape(), flags: flags)
        }
    }

    /// `\d \D \w \W \s \S` (at the current position, just after the backslash).
    private mutating func parseClassEscape() throws(RegexSyntaxError) -> CharacterClass? {
        let cls: CharacterClass
        switch current {
        case "d": cls = .digit
        case "D": cls = CharacterClass.digit.negated()
        case "w": cls = .word
        case "W": cls = CharacterClass.word.negated()
        case "s": cls = .space
        case "S": cls = CharacterClass.space.negated()
        case "p", "P": throw error("Unicode classes \\p are not supported")
        default: return nil
        }
        position += 1
        return cls
    }

    /// A single escaped scalar (at the current position, just after the backslash).
    private mutating func parseLiteralEscape() throws(RegexSyntaxError) -> UInt32 {
        guard let scalar = current else { throw error("trailing backslash at end of expression") }
        position += 1
        switch scalar {
        case "t": return 0x09
        case "n": return 0x0A
        case "r": return 0x0D
        case "f": return 0x0C
        case "v": return 0x0B
        case "a": return 0x07
        case "x": return try parseHexEscape()
        default:
            if scalar.isASCII && !scalar.properties.isAlphabetic && !("0"..."9").contains(scalar) {
                return scalar.value
            }
            position -= 1
            throw error("invalid escape sequence \\\(scalar)")
        }
    }

    private mutating func parseHexEscape() throws(RegexSyntaxError) -> UInt32 {
        var digits: [Unicode.Scalar] = []
        if current == "{" {
            position += 1
            while let scalar = current, scalar != "}" { digits.append(scalar); position += 1 }
            guard current == "}" else { throw error("missing } in \\x{...}") }
            position += 1
        } else {
            for _ in 0..<2 {
                guard let scalar = current else { break }
                digits.append(scalar)
                position += 1
            }
        }
        let text = String(String.UnicodeScalarView(digits))
        guard !digits.isEmpty, digits.count <= 8, let value = UInt32(text, radix: 16), Unicode.Scalar(value) != nil else {
            throw error("invalid hexadecimal escape")
        }
        return value
    }

    private mutating func parseBracket(flags: Flags) throws(RegexSyntaxError) -> CharacterClass {
        let start = position
        position += 1
        var negated = false
        if current == "^" { negated = true; position += 1 }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while true {
            guard let scalar = current else { position = start; throw error("missing closing ]") }
            if scalar == "]" && !first { position += 1; break }
            first = false
            if scalar == "[", position + 1 < scalars.count, scalars[position + 1] == ":" {
                ranges += try parsePosixClass()
                continue
            }
            if scalar == "\\" {
                position += 1
                if let cls = try parseClassEscape() {
                    ranges += cls.isNegated ? CharacterClass.complement(cls.ranges) : cls.ranges
                    continue
                }
                position -= 1
            }
            let low = try parseClassScalar()
            if current == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                let high = try parseClassScalar()
                guard high >= low else { throw error("invalid character class range") }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        if flags.caseInsensitive { ranges = CharacterClass.addingCaseVariants(ranges) }
        return CharacterClass(ranges: ranges, negated: negated)
    }

    private mutating func parseClassScalar() throws(RegexSyntaxError) -> UInt32 {
        guard let scalar = current else { throw error("missing closing ]") }
        if scalar == "\\" {
            position += 1
            return try parseLiteralEscape()
        }
        position += 1
        return scalar.value
    }

    private mutating func parsePosixClass() throws(RegexSyntaxError) -> [ClosedRange<UInt32>] {
        let start = position
        position += 2
        var negated = false
        if current == "^" { negated = true; position += 1 }
        var name = ""
        while let scalar = current, scalar != ":" { name.unicodeScalars.append(scalar); position += 1 }
        guard current == ":", position + 1 < scalars.count, scalars[position + 1] == "]",
              let ranges = CharacterClass.posix[name]
        else {
            position = start
            throw error("invalid character class name [:\(name):]")
        }
        position += 2
        return negated ? CharacterClass.complement(ranges) : ranges
    }

    private func literal(_ value: UInt32, flags: Flags) -> RegexNode {
        guard flags.caseInsensitive else { return .scalar(value) }
        let variants = CharacterClass.addingCaseVariants([value...value])
        return variants.count == 1 && variants[0].count == 1 ? .scalar(value) : .characterClass(CharacterClass(ranges: variants))
    }
}
