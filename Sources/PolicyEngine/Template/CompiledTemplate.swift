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
        /// Anything else; needles not starting with `requiredPrefix` are rejected before the engine runs.
        case program(RegexProgram, requiredPrefix: [UInt8])
    }

    /// What the index may assume about every needle this template matches.
    enum IndexKey: Sendable, Hashable {
        /// The needle is one of these strings.
        case exact([[UInt8]])
        /// The needle starts with these bytes (possibly none).
        case prefix([UInt8])
    }

    let source: String
    let matcher: Matcher

    /// Largest finite language expanded into a set instead of running the engine.
    static let maximumSetSize = 64

    init(_ template: String) throws(TemplateError) {
        source = template
        let bytes = Array(template.utf8)
        guard bytes.contains(UInt8(ascii: "<")) else {
            matcher = .exact(bytes)
            return
        }
        let parts = try CompiledTemplate.parts(of: template, bytes: bytes)
        let node = RegexNode.concatenation(parts)
        if let scalars = node.literalScalars {
            matcher = .exact(CompiledTemplate.utf8(scalars))
        } else if let language = node.finiteLanguage(limit: CompiledTemplate.maximumSetSize) {
            let members = language.map(CompiledTemplate.utf8)
            matcher = .oneOf(ByteStringTable(members), members: members)
        } else if let anyIndex = parts.firstIndex(where: \.isAnyRunWithoutNewline),
                  let prefix = RegexNode.concatenation(Array(parts[..<anyIndex])).literalScalars,
                  let suffix = RegexNode.concatenation(Array(parts[(anyIndex + 1)...])).literalScalars {
            matcher = .prefixAnySuffix(prefix: CompiledTemplate.utf8(prefix), suffix: CompiledTemplate.utf8(suffix))
        } else {
            do {
                let program = try RegexProgram(node, mode: .wholeText, pattern: template)
                let leading = parts.prefix { $0.literalScalars != nil }
                let prefix = RegexNode.concatenation(Array(leading)).literalScalars ?? []
                matcher = .program(program, requiredPrefix: CompiledTemplate.utf8(prefix))
            } catch {
                throw TemplateError(template: template, message: error.message)
            }
        }
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

    var indexKey: IndexKey {
        switch matcher {
        case .exact(let bytes): .exact([bytes])
        case .oneOf(_, let members): .exact(members)
        case .prefixAnySuffix(let prefix, _): .prefix(prefix)
        case .program(_, let prefix): .prefix(prefix)
        }
    }
}
