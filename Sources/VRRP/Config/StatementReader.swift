/// Typed access to one statement's arguments, with errors that name the file, the line and the keyword.
struct StatementReader {
    let statement: ConfigStatement

    init(_ statement: ConfigStatement) { self.statement = statement }

    var keyword: String { statement.keyword }
    var location: ConfigLocation { statement.location }

    func error(_ message: String, hint: String? = nil) -> KeepalivedConfigError {
        KeepalivedConfigError(location, message, hint: hint)
    }

    /// The single argument of `keyword VALUE`.
    func value(_ what: String = "a value") throws(KeepalivedConfigError) -> String {
        guard statement.block == nil else { throw error("'\(keyword)' takes \(what), not a block") }
        guard let first = statement.arguments.first else { throw error("'\(keyword)' needs \(what)") }
        guard statement.arguments.count == 1 else {
            throw error("'\(keyword)' takes one value, found \(statement.arguments.count): \(statement.arguments.joined(separator: " "))",
                        hint: "write one setting per line; quote a value that contains spaces: \(keyword) \"\(statement.arguments.joined(separator: " "))\"")
        }
        return first
    }

    /// All arguments joined by spaces (script command lines may be written unquoted).
    func commandLine() throws(KeepalivedConfigError) -> String {
        guard statement.block == nil, !statement.arguments.isEmpty else { throw error("'\(keyword)' needs a command") }
        return statement.arguments.joined(separator: " ")
    }

    /// The first argument as a whole number; `allowingMore` accepts words after it (`weight -20 reverse`).
    func integer(in range: ClosedRange<Int>, allowingMore: Bool = false) throws(KeepalivedConfigError) -> Int {
        let text = allowingMore && !statement.arguments.isEmpty && statement.block == nil
            ? statement.arguments[0] : try value("a number")
        guard let number = Int(text), range.contains(number) else {
            throw error("'\(keyword)' must be a whole number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
        }
        return number
    }

    func number(in range: ClosedRange<Double>) throws(KeepalivedConfigError) -> Double {
        let text = try value("a number")
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw error("'\(keyword)' must be a number from \(format(range.lowerBound)) to \(format(range.upperBound)), found '\(text)'")
        }
        return number
    }

    func address() throws(KeepalivedConfigError) -> VRRPAddress {
        let text = try value("an IP address")
        guard let address = VRRPAddress(text) else { throw error("'\(text)' is not an IP address") }
        return address
    }

    /// A flag such as `nopreempt`: no arguments.
    func flag() throws(KeepalivedConfigError) -> Bool {
        guard statement.arguments.isEmpty, statement.block == nil else {
            throw error("'\(keyword)' takes no value", hint: "write it alone on its line")
        }
        return true
    }

    /// The statements of `keyword { … }`.
    func block() throws(KeepalivedConfigError) -> [ConfigStatement] {
        guard let block = statement.block else { throw error("'\(keyword)' needs a block: \(keyword) { … }") }
        return block
    }

    private func format(_ number: Double) -> String {
        number.rounded() == number ? String(Int(number)) : String(number)
    }
}

/// Keyword suggestions for typos: the known keywords within edit distance 2.
enum KeywordSuggestion {
    static func hint(for keyword: String, known: some Sequence<String>) -> String? {
        let close = known.filter { distance($0, keyword) <= 2 }.sorted()
        return close.isEmpty ? nil : "did you mean " + close.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
