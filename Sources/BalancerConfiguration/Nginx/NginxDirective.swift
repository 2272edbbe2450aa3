/// One nginx directive with its arguments and, for block directives, its children.
struct NginxDirective {
    var name: String
    var arguments: [String]
    var block: [NginxDirective]?
    var location: SourceLocation

    func argument(_ index: Int, _ what: String) throws(BalancerConfigurationError) -> String {
        guard index < arguments.count else {
            throw BalancerConfigurationError(location, "\"\(name)\" expects \(what)")
        }
        return arguments[index]
    }

    func expectArguments(_ range: ClosedRange<Int>, usage: String) throws(BalancerConfigurationError) {
        guard range.contains(arguments.count) else {
            throw BalancerConfigurationError(location, "invalid number of arguments in \"\(name)\" directive", hint: "usage: \(usage)")
        }
    }
}

/// nginx's lexical syntax: directives end with `;`, blocks are `{ … }`, `#` comments, `'…'`/`"…"` quoting with
/// backslash escapes. Also catches the commonest mistake, a missing `;`, at the line that lacks it.
struct NginxTokenizer {
    private let bytes: [UInt8]
    private let file: String
    private let knownDirectives: Set<String>
    private var index = 0
    private var line = 1

    init(text: String, file: String, knownDirectives: Set<String>) {
        self.bytes = Array(text.utf8)
        self.file = file
        self.knownDirectives = knownDirectives
    }

    private struct Token {
        enum Kind { case word, quoted, semicolon, open, close, end }
        var kind: Kind
        var text: String
        var line: Int
    }

    mutating func parse() throws(BalancerConfigurationError) -> [NginxDirective] {
        let (directives, closedAt) = try parseBlock(openedAt: nil)
        if closedAt != nil {
            throw BalancerConfigurationError(SourceLocation(file: file, line: line), "unexpected \"}\"", hint: "a \"}\" without a matching \"{\"")
        }
        return directives
    }

    /// Parses until `}` (returned line) or the end of the file (nil).
    private mutating func parseBlock(openedAt: SourceLocation?) throws(BalancerConfigurationError) -> ([NginxDirective], Int?) {
        var directives: [NginxDirective] = []
        var words: [Token] = []
        while true {
            let token = try next()
            switch token.kind {
            case .word, .quoted:
                if let first = words.first, token.kind == .word, token.line > words.last!.line, knownDirectives.contains(token.text) {
                    throw BalancerConfigurationError(
                        SourceLocation(file: file, line: words.last!.line),
                        "directive \"\(first.text)\" is not terminated by \";\"",
                        hint: "add \";\" at the end of line \(words.last!.line); line \(token.line) starts another directive, \"\(token.text)\""
                    )
                }
                words.append(token)
            case .semicolon:
                guard let first = words.first else {
                    throw BalancerConfigurationError(SourceLocation(file: file, line: token.line), "unexpected \";\"")
                }
                try requireNameIsWord(first)
                directives.append(NginxDirective(
                    name: first.text, arguments: words.dropFirst().map(\.text), block: nil, location: SourceLocation(file: file, line: first.line)
                ))
                words = []
            case .open:
                guard let first = words.first else {
                    throw BalancerConfigurationError(SourceLocation(file: file, line: token.line), "unexpected \"{\"", hint: "a block needs a directive name, as in server { … }")
                }
                try requireNameIsWord(first)
                let location = SourceLocation(file: file, line: first.line)
                let (children, closed) = try parseBlock(openedAt: location)
                guard closed != nil else {
                    throw BalancerConfigurationError(location, "\"\(first.text)\" block is not closed: unexpected end of file, expecting \"}\"")
                }
                directives.append(NginxDirective(name: first.text, arguments: words.dropFirst().map(\.text), block: children, location: location))
                words = []
            case .close:
                if let first = words.first {
                    throw BalancerConfigurationError(
                        SourceLocation(file: file, line: words.last!.line),
                        "directive \"\(first.text)\" is not terminated by \";\"",
                        hint: "add \";\" at the end of line \(words.last!.line), before the \"}\" on line \(token.line)"
                    )
                }
                guard openedAt != nil else {
                    throw BalancerConfigurationError(SourceLocation(file: file, line: token.line), "unexpected \"}\"", hint: "a \"}\" without a matching \"{\"")
                }
                return (directives, token.line)
            case .end:
                if let first = words.first {
                    throw BalancerConfigurationError(
                        SourceLocation(file: file, line: words.last!.line), "directive \"\(first.text)\" is not terminated by \";\"",
                        hint: "unexpected end of file"
                    )
                }
                return (directives, nil)
            }
        }
    }

    private func requireNameIsWord(_ token: Token) throws(BalancerConfigurationError) {
        if token.kind == .quoted {
            throw BalancerConfigurationError(SourceLocation(file: file, line: token.line), "a directive name cannot be quoted: \"\(token.text)\"")
        }
    }

    private mutating func next() throws(BalancerConfigurationError) -> Token {
        // Skip blanks and comments.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                index += 1
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index += 1
            } else if byte == UInt8(ascii: "#") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else {
                break
            }
        }
        guard index < bytes.count else { return Token(kind: .end, text: "", line: line) }
        let start = line
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: ";"):
            index += 1
            return Token(kind: .semicolon, text: ";", line: start)
        case UInt8(ascii: "{"):
            index += 1
            return Token(kind: .open, text: "{", line: start)
        case UInt8(ascii: "}"):
            index += 1
            return Token(kind: .close, text: "}", line: start)
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            index += 1
            var text: [UInt8] = []
            while index < bytes.count, bytes[index] != byte {
                if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    let escaped = bytes[index + 1]
                    if escaped == byte || escaped == UInt8(ascii: "\\") {
                        text.append(escaped)
                    } else {
                        text.append(bytes[index])
                        text.append(escaped)
                    }
                    index += 2
                    continue
                }
                if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                text.append(bytes[index])
                index += 1
            }
            guard index < bytes.count else {
                throw BalancerConfigurationError(SourceLocation(file: file, line: start), "unterminated quoted string", hint: "close the \(byte == UInt8(ascii: "'") ? "'" : "\"") quote")
            }
            index += 1
            return Token(kind: .quoted, text: String(decoding: text, as: UTF8.self), line: start)
        default:
            var text: [UInt8] = []
            while index < bytes.count {
                let current = bytes[index]
                if current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") || current == UInt8(ascii: "\r") || current == UInt8(ascii: "\n")
                    || current == UInt8(ascii: ";")
                {
                    break
                }
                // `${name}` keeps its braces; other braces end the word.
                if current == UInt8(ascii: "{") {
                    if text.last == UInt8(ascii: "$") {
                        while index < bytes.count, bytes[index] != UInt8(ascii: "}") {
                            text.append(bytes[index])
                            index += 1
                        }
                        if index < bytes.count {
                            text.append(bytes[index])
                            index += 1
                        }
                        continue
                    }
                    break
                }
                if current == UInt8(ascii: "}") { break }
                if current == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    text.append(bytes[index + 1])
                    index += 2
                    continue
                }
                text.append(current)
                index += 1
            }
            return Token(kind: .word, text: String(decoding: text, as: UTF8.self), line: start)
        }
    }
}
