/// A condition with its options parsed once: regular expressions compiled, networks parsed.
struct CompiledCondition: Sendable {
    enum Check: Sendable {
        case stringEqual([UInt8])
        /// nil: the pattern does not compile, and ladon then answers false.
        case stringMatch(SearchPattern?)
        /// nil: the CIDR does not parse, and ladon then answers false.
        case cidr(IPNetwork?)
        case equalsSubject
        case boolean(Bool)
        case resourceContains
        case stringPairsEqual
    }

    /// The outcome of checking a condition; `tooExpensive` comes from a regular expression given up on.
    enum Outcome: Sendable, Equatable { case fulfilled, notFulfilled, tooExpensive }

    let key: String
    let type: ConditionType
    let check: Check
    /// Why the options cannot work (bad pattern or CIDR), for `iam policy lint`.
    let warning: String?

    init(key: String, condition: Condition) {
        self.key = key
        self.type = condition.type
        let option = condition.type.optionField.flatMap { condition.options.member($0.key) }
        var warning: String?
        switch condition.type {
        case .stringEqual:
            if case .string(let value) = option { check = .stringEqual(Array(value.utf8)) } else { check = .stringEqual([]) }
        case .stringMatch:
            let pattern: String
            if case .string(let value) = option { pattern = value } else { pattern = "" }
            do {
                check = .stringMatch(try SearchPattern(pattern))
            } catch {
                warning = "condition \"\(key)\": \(error.description); it is never fulfilled"
                check = .stringMatch(nil)
            }
        case .cidr:
            var text = ""
            if case .string(let value) = option { text = value }
            let network = IPNetwork(text)
            if network == nil { warning = "condition \"\(key)\": \"\(text)\" is not a CIDR; it is never fulfilled" }
            check = .cidr(network)
        case .equalsSubject:
            check = .equalsSubject
        case .boolean:
            if case .bool(let value) = option { check = .boolean(value) } else { check = .boolean(false) }
        case .resourceContains:
            check = .resourceContains
        case .stringPairsEqual:
            check = .stringPairsEqual
        }
        self.warning = warning
    }

    /// Checks the condition against `value` (`request.context[key]`, nil when absent).
    func evaluate(_ value: JSONValue?, subject: UnsafeBufferPointer<UInt8>, resource: UnsafeBufferPointer<UInt8>) -> Outcome {
        switch check {
        case .stringEqual(let expected):
            guard case .string(var text) = value else { return .notFulfilled }
            return text.withUTF8 { $0.equals(expected) } ? .fulfilled : .notFulfilled
        case .stringMatch(let pattern):
            guard case .string(var text) = value, let pattern else { return .notFulfilled }
            switch text.withUTF8({ pattern.matches($0) }) {
            case .match: return .fulfilled
            case .noMatch: return .notFulfilled
            case .tooExpensive: return .tooExpensive
            }
        case .cidr(let network):
            guard case .string(var text) = value, let network else { return .notFulfilled }
            return text.withUTF8 { IPAddress($0).map(network.contains) ?? false } ? .fulfilled : .notFulfilled
        case .equalsSubject:
            guard case .string(var text) = value else { return .notFulfilled }
            return text.withUTF8 { $0.elementsEqual(subject) } ? .fulfilled : .notFulfilled
        case .boolean(let expected):
            guard case .bool(let actual) = value else { return .notFulfilled }
            return actual == expected ? .fulfilled : .notFulfilled
        case .resourceContains:
            return CompiledCondition.resourceContains(value, resource: resource) ? .fulfilled : .notFulfilled
        case .stringPairsEqual:
            guard case .array(let pairs) = value else { return .notFulfilled }
            for pair in pairs {
                guard case .array(let members) = pair, members.count == 2,
                      case .string(var first) = members[0], case .string(var second) = members[1]
                else { return .notFulfilled }
                let equal = first.withUTF8 { a in second.withUTF8 { b in a.elementsEqual(b) } }
                if !equal { return .notFulfilled }
            }
            return .fulfilled
        }
    }

    /// `{"value": v, "delimiter": d}`: true iff `d + resource + d` contains `d + v + d`.
    private static func resourceContains(_ value: JSONValue?, resource: UnsafeBufferPointer<UInt8>) -> Bool {
        guard case .object(let members) = value, case .string(var needle) = members["value"], !needle.isEmpty else {
            return false
        }
        var delimiter = ""
        if case .string(let text) = members["delimiter"] { delimiter = text }
        return needle.withUTF8 { needle in
            delimiter.withUTF8 { delimiter in
                DelimitedText(delimiter: delimiter, body: resource).contains(DelimitedText(delimiter: delimiter, body: needle))
            }
        }
    }
}

/// `delimiter + body + delimiter`, read in place instead of concatenated.
private struct DelimitedText {
    let delimiter: UnsafeBufferPointer<UInt8>
    let body: UnsafeBufferPointer<UInt8>

    var count: Int { body.count + 2 * delimiter.count }

    @inline(__always)
    subscript(index: Int) -> UInt8 {
        if index < delimiter.count { return delimiter[index] }
        if index < delimiter.count + body.count { return body[index - delimiter.count] }
        return delimiter[index - delimiter.count - body.count]
    }

    func contains(_ needle: DelimitedText) -> Bool {
        guard needle.count <= count else { return false }
        var start = 0
        while start + needle.count <= count {
            var offset = 0
            while offset < needle.count, self[start + offset] == needle[offset] { offset += 1 }
            if offset == needle.count { return true }
            start += 1
        }
        return false
    }
}
