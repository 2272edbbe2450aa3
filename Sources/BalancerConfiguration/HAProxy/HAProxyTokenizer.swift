/// One logical line of an HAProxy file, split into words as HAProxy splits them.
struct HAProxyLine {
    var words: [String]
    var location: SourceLocation
}

/// HAProxy's line syntax: words separated by blanks, `#` comments, `\` escapes, `"…"` (escapes work) and `'…'`
/// (literal) quoting.
enum HAProxyTokenizer {
    static func lines(of text: String, file: String) throws(BalancerConfigurationError) -> [HAProxyLine] {
        var result: [HAProxyLine] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let location = SourceLocation(file: file, line: lineNumber)
            let words = try split(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine, location: location)
            if !words.isEmpty { result.append(HAProxyLine(words: words, location: location)) }
        }
        return result
    }

    private static func split(_ line: Substring, location: SourceLocation) throws(BalancerConfigurationError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    guard let next = iterator.next() else { break }
                    current.append(next)
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case " ", "\t":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "#":
                if inWord { words.append(current) }
                return words
            case "\\":
                guard let next = iterator.next() else {
                    throw BalancerConfigurationError(location, "a backslash ends the line", hint: "HAProxy does not join lines; write the directive on one line")
                }
                current.append(next)
                inWord = true
            case "\"", "'":
                quote = character
                inWord = true
            default:
                current.append(character)
                inWord = true
            }
        }
        if let quote {
            throw BalancerConfigurationError(location, "unterminated \(quote)quoted\(quote) string", hint: "close the quote on the same line")
        }
        if inWord { words.append(current) }
        return words
    }
}
