/// One subject, action or resource template of a policy, compiled once when the policy set is loaded.
///
/// A template without `<` is compared byte for byte. Otherwise each top-level `<regex>` group (nesting
/// counts, delimiters must balance) is a regular expression and the text around it is literal; the whole
/// must match the entire needle (strict `$`: a trailing newline never matches). Common shapes get
/// dedicated matchers; only the rest run the regular-expression engine.
final class CompiledTemplate: Sendable {
    enum Matcher: Sendable {
        /// The needle must equal these bytes.
        case exact([UInt8])
        /// The needle must equal one of a few strings (`<get|list>`, `users:<a|b>`, `u0[0-3]`).
        case oneOf(ByteStringTable, members: [[UInt8]])
        /// `prefix` + `<.*>` + `suffix`: a newline-free middle.
        case prefixAnySuffix(prefix: [UInt8], suffix: [UInt8])
        /// Literal text with `<.*>` between pieces (`resources:<.*>:t0038:<.*>`): the pieces are found in
        /// order, leftmost first; `middles` holds the pieces between the first and the last wildcard.
        case glob(prefix: [UInt8], middles: [[UInt8]], suffix: [UInt8])
        /// `prefix` + one character class repeated `minimum...maximum` times + `suffix`
        /// (`bkt-<[0-9a-f]{4}>`, `<[0-9]+>`): the middle is fixed by the two ends, so no search is needed.
        case prefixClassRunSuffix(prefix: [UInt8], run: CharacterClass, minimum: Int, maximum: Int?, suffix: [UInt8])
        /// Anything else; needles not starting with `requiredPrefix` are rejected before the engine runs.
        case program(RegexProgram, requiredPrefix: [UInt8])
    }

    /// What the index may assume about every needle this template matches.
    enum IndexKey: Sendable, Hashable {
        /// The needle is one of these strings.
        case exact([[UInt8]])
        /// The needle starts with these bytes (possibly none).
        case prefix([UInt8])

        /// The bytes in bulk, not one `combine` per byte (see ``ByteKey``).
        func hash(into hasher: inout Hasher) {
            switch self {
            case .exact(let strings):
                hasher.combine(strings.count)
                for string in strings { ByteKey(string).hash(into: &hasher) }
            case .prefix(let bytes):
                hasher.combine(-1)
                ByteKey(bytes).hash(into: &hasher)
            }
        }
    }

    let source: String
    /// The template matches iff one of these does (usually exactly one).
    let matchers: [Matcher]

    /// Largest finite language expanded into a set instead of running the engine.
    static let maximumSetSize = 64

    init(_ template: String) throws(TemplateError) {
        source = template
        let bytes = Array(template.utf8)
        guard bytes.contains(UInt8(ascii: "<")) else {
            matchers = [.exact(bytes)]
            return
        }
        let parts = try CompiledTemplate.parts(of: template, bytes: bytes)
        if let matcher = CompiledTemplate.dedicatedMatcher(parts) {
            matchers = [matcher]
        } else if let alternatives = CompiledTemplate.expandedHead(parts) {
            matchers = alternatives
        } else {
            do {
                let program = try RegexProgram(.concatenation(parts), mode: .wholeText, pattern: template)
                let leading = parts.prefix { $0.literalScalars != nil }
                let prefix = RegexNode.concatenation(Array(leading)).literalScalars ?? []
                matchers = [.program(program, requiredPrefix: CompiledTemplate.utf8(prefix))]
            } catch {
                throw TemplateError(template: template, message: error.message)
            }
        }
    }

    /// A matcher that needs no regular-expression engine, when the shape allows one.
    private static func dedicatedMatcher(_ parts: [RegexNode]) -> Matcher? {
        let node = RegexNode.concatenation(parts)
        if let scalars = node.literalScalars {
            return .exact(utf8(scalars))
        }
        if let language = node.finiteLanguage(limit: maximumSetSize) {
            let members = language.map(utf8)
            return .oneOf(ByteStringTable(members), members: members)
        }
        if let anyIndex = parts.firstIndex(where: \.isAnyRunWithoutNewline),
           let prefix = RegexNode.concatenation(Array(parts[..<anyIndex])).literalScalars,
           let suffix = RegexNode.concatenation(Array(parts[(anyIndex + 1)...])).literalScalars {
            return .prefixAnySuffix(prefix: utf8(prefix), suffix: utf8(suffix))
        }
        return glob(parts) ?? classRun(parts)
    }

    /// `resources:<reports|printers>:t1:<.*>` as the alternatives `resources:reports:t1:<.*>` and
    /// `resources:printers:t1:<.*>`: when what comes before the first `<.*>` has a few spellings and each
    /// spelling gives a dedicated matcher. The template matches iff one alternative does.
    private static func expandedHead(_ parts: [RegexNode]) -> [Matcher]? {
        guard let anyIndex = parts.firstIndex(where: \.isAnyRunWithoutNewline),
              let heads = RegexNode.concatenation(Array(parts[..<anyIndex])).finiteLanguage(limit: 16), heads.count > 1
        else { return nil }
        var alternatives: [Matcher] = []
        for head in heads {
            guard let matcher = dedicatedMatcher(head.map(RegexNode.scalar) + parts[anyIndex...]) else { return nil }
            alternatives.append(matcher)
        }
        return alternatives
    }

    /// The `glob` matcher, when the parts are literal scalars and `.*` runs, and no literal holds a newline
    /// (so a needle with a newline can never match: some wildcard would have to cover it).
    private static func glob(_ parts: [RegexNode]) -> Matcher? {
        var pieces: [[UInt32]] = [[]]
        for part in parts {
            if part.isAnyRunWithoutNewline {
                if !(pieces.last!.isEmpty && pieces.count > 1) { pieces.append([]) }  // `.*.*` is one wildcard
            } else if let scalars = part.literalScalars, !scalars.contains(0x0A) {
                pieces[pieces.count - 1] += scalars
            } else {
                return nil
            }
        }
        guard pieces.count >= 2 else { return nil }
        return .glob(prefix: utf8(pieces.first!), middles: pieces.dropFirst().dropLast().map(utf8), suffix: utf8(pieces.last!))
    }

    /// The `prefixClassRunSuffix` matcher, when all parts but one are literal and that one repeats a class.
    private static func classRun(_ parts: [RegexNode]) -> Matcher? {
        let runs = parts.indices.filter { parts[$0].literalScalars == nil }
        guard runs.count == 1, let index = runs.first,
              let prefix = RegexNode.concatenation(Array(parts[..<index])).literalScalars,
              let suffix = RegexNode.concatenation(Array(parts[(index + 1)...])).literalScalars
        else { return nil }
        let anyButNewline = CharacterClass(ranges: [0x0A...0x0A], negated: true)
        let (cls, minimum, maximum): (CharacterClass, Int, Int?)
        switch parts[index] {
        case .characterClass(let single): (cls, minimum, maximum) = (single, 1, 1)
        case .anyScalar(includesNewline: false): (cls, minimum, maximum) = (anyButNewline, 1, 1)
        case .repetition(.characterClass(let repeated), let low, let high): (cls, minimum, maximum) = (repeated, low, high)
        case .repetition(.anyScalar(includesNewline: false), let low, let high): (cls, minimum, maximum) = (anyButNewline, low, high)
        default: return nil
        }
        return .prefixClassRunSuffix(prefix: utf8(prefix), run: cls, minimum: minimum, maximum: maximum, suffix: utf8(suffix))
    }

    /// Splits a template into literal scalars and parsed groups, flattened into one concatenation.
    private static func parts(of template: String, bytes: [UInt8]) throws(TemplateError) -> [RegexNode] {
        var parts: [RegexNode] = []
        var level = 0
        var groupStart = 0
        var literalStart = 0
        func appendLiteral(_ range: Range<Int>) {
            for scalar in String(decoding: bytes[range], as: UTF8.self).unicodeScalars {
                parts.append(.scalar(scalar.value))
            }
        }
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "<") {
                level += 1
                if level == 1 { groupStart = index }
            } else if byte == UInt8(ascii: ">") {
                level -= 1
                if level < 0 {
                    throw TemplateError(template: template, message: "unbalanced delimiters: '>' at byte \(index) closes no '<'")
                }
                if level == 0 {
                    appendLiteral(literalStart..<groupStart)
                    let inner = String(decoding: bytes[(groupStart + 1)..<index], as: UTF8.self)
                    let node: RegexNode
                    do {
                        node = try RegexParser.parse(inner)
                    } catch {
                        throw TemplateError(template: template, message: error.description)
                    }
                    if case .concatenation(let innerParts) = node { parts += innerParts } else { parts.append(node) }
                    literalStart = index + 1
                }
            }
        }
        if level != 0 {
            throw TemplateError(template: template, message: "unbalanced delimiters: '<' at byte \(groupStart) is never closed")
        }
        appendLiteral(literalStart..<bytes.count)
        return parts
    }

    private static func utf8(_ scalars: [UInt32]) -> [UInt8] {
        var result: [UInt8] = []
        for value in scalars {
            if let scalar = Unicode.Scalar(value) { result += Array(String(scalar).utf8) }
        }
        return result
    }

    /// What the index may assume about a needle matched by each of ``matchers``.
    var indexKeys: [IndexKey] {
        matchers.map { matcher in
            switch matcher {
            case .exact(let bytes): .exact([bytes])
            case .oneOf(_, let members): .exact(members)
            case .prefixAnySuffix(let prefix, _): .prefix(prefix)
            case .prefixClassRunSuffix(let prefix, _, _, _, _): .prefix(prefix)
            case .glob(let prefix, _, _): .prefix(prefix)
            case .program(_, let prefix): .prefix(prefix)
            }
        }
    }
}
