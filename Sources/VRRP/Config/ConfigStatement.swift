/// One line of keepalived configuration: a keyword, its arguments, and the block that follows, if any.
public struct ConfigStatement: Sendable, Equatable {
    public var keyword: String
    public var arguments: [String]
    /// The statements between `{` and `}`; nil when the statement has no block.
    public var block: [ConfigStatement]?
    public var location: ConfigLocation
}

/// Splits keepalived configuration text into statements: whitespace-separated words, `"quoted text"`,
/// comments from `#` or `!` to the end of the line, blocks in braces (the `{` may stand on the next line).
struct ConfigSyntax {
    private enum Token: Equatable {
        case word(String)
        case open
        case close
        case newline
    }

    private var tokens: [(Token, Int)] = []
    private var position = 0
    private let file: String

    /// Reads `text` (the content of `file`); `include` statements are left for the loader to expand.
    static func statements(in text: String, file: String) throws(KeepalivedConfigError) -> [ConfigStatement] {
        var syntax = try ConfigSyntax(text: text, file: file)
        return try syntax.parseBlock(opening: nil)
    }

    private init(text: String, file: String) throws(KeepalivedConfigError) {
        self.file = file
        var line = 1
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            var quoted = false
            var inQuotes = false
            func flush() {
                if !current.isEmpty || quoted { tokens.append((.word(current), line)) }
                current = ""
                quoted = false
            }
            for character in rawLine {
                if inQuotes {
                    if character == "\"" { inQuotes = false } else { current.append(character) }
                    continue
                }
                switch character {
                case "\"":
                    inQuotes = true
                    quoted = true
                case "#", "!":
                    if current.isEmpty { break }
                    current.append(character)
                    continue
                case " ", "\t", "\r":
                    flush()
                    continue
                case "{":
                    flush()
                    tokens.append((.open, line))
                    continue
                case "}":
                    flush()
                    tokens.append((.close, line))
                    continue
                default:
                    current.append(character)
                    continue
                }
                if character == "#" || character == "!" { break }  // a comment: the rest of the line
            }
            if inQuotes {
                throw KeepalivedConfigError(ConfigLocation(file: file, line: line), "unterminated quoted string",
                                            hint: "close the string with \" on the same line")
            }
            flush()
            tokens.append((.newline, line))
            line += 1
        }
    }

    private func location(_ line: Int) -> ConfigLocation { ConfigLocation(file: file, line: line) }

    private mutating func parseBlock(opening: Int?) throws(KeepalivedConfigError) -> [ConfigStatement] {
        var statements: [ConfigStatement] = []
        while position < tokens.count {
            let (token, line) = tokens[position]
            switch token {
            case .newline:
                position += 1
            case .close:
                guard opening != nil else {
                    throw KeepalivedConfigError(location(line), "'}' closes no block", hint: "remove it, or add the '{' it belongs to")
                }
                position += 1
                return statements
            case .open:
                throw KeepalivedConfigError(location(line), "'{' without a keyword before it",
                                            hint: "a block follows a keyword, as in 'vrrp_instance NAME {'")
            case .word(let keyword):
                position += 1
                var arguments: [String] = []
                while position < tokens.count, case .word(let argument) = tokens[position].0 {
                    arguments.append(argument)
                    position += 1
                }
                // A '{' may follow on the same line or on the next non-empty line.
                var lookahead = position
                while lookahead < tokens.count, tokens[lookahead].0 == .newline { lookahead += 1 }
                var block: [ConfigStatement]?
                if lookahead < tokens.count, tokens[lookahead].0 == .open {
                    position = lookahead + 1
                    block = try parseBlock(opening: line)
                }
                statements.append(ConfigStatement(keyword: keyword, arguments: arguments, block: block, location: location(line)))
            }
        }
        if let opening {
            throw KeepalivedConfigError(location(opening), "the block opened here is never closed", hint: "add the missing '}'")
        }
        return statements
    }
}
