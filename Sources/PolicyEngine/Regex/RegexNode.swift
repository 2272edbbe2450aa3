/// The syntax tree of one regular expression, as the parser reads it.
///
/// Captures and greediness are dropped: the engine only ever answers "does it match", and for that
/// neither changes the answer.
indirect enum RegexNode: Sendable, Equatable {
    case empty
    case scalar(UInt32)
    /// Any scalar except `\n` (or any scalar at all when `includesNewline`, the `s` flag).
    case anyScalar(includesNewline: Bool)
    case characterClass(CharacterClass)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?)
    case assertion(RegexAssertion)
}

/// Zero-width conditions on the position in the text.
enum RegexAssertion: UInt8, Sendable, Equatable {
    case textStart, textEnd, lineStart, lineEnd, wordBoundary, notWordBoundary
}

extension RegexNode {
    /// The node as a string of literal scalars, when it is one.
    var literalScalars: [UInt32]? {
        switch self {
        case .empty: return []
        case .scalar(let value): return [value]
        case .concatenation(let parts):
            var result: [UInt32] = []
            for part in parts {
                guard let scalars = part.literalScalars else { return nil }
                result += scalars
            }
            return result
        default: return nil
        }
    }

    /// True for `.*` (without the `s` flag): any run of scalars that contains no newline.
    var isAnyRunWithoutNewline: Bool {
        if case .repetition(.anyScalar(includesNewline: false), min: 0, max: nil) = self { return true }
        if case .concatenation(let parts) = self, parts.count == 1 { return parts[0].isAnyRunWithoutNewline }
        return false
    }

    /// Every string the node matches, when there are at most `limit` of them.
    func finiteLanguage(limit: Int) -> [[UInt32]]? {
        switch self {
        case .empty: return [[]]
        case .scalar(let value): return [[value]]
        case .characterClass(let cls): return cls.members(limit: limit)?.map { [$0] }
        case .anyScalar, .assertion: return nil
        case .concatenation(let parts):
            var result: [[UInt32]] = [[]]
            for part in parts {
                guard let options = part.finiteLanguage(limit: limit), result.count * options.count <= limit else {
                    return nil
                }
                result = result.flatMap { prefix in options.map { prefix + $0 } }
            }
            return result
        case .alternation(let branches):
            var result: [[UInt32]] = []
            for branch in branches {
                guard let options = branch.finiteLanguage(limit: limit), result.count + options.count <= limit else {
                    return nil
                }
                result += options
            }
            return result
        case .repetition(let body, let min, let max):
            guard let max, max <= 16 else { return nil }
            var result: [[UInt32]] = []
            for count in min...max {
                let expanded = RegexNode.concatenation(Array(repeating: body, count: count))
                guard let options = expanded.finiteLanguage(limit: limit), result.count + options.count <= limit else {
                    return nil
                }
                result += options
            }
            return result
        }
    }
}
