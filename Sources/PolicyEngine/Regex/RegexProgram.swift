/// A regular expression compiled to instructions for ``RegexProgram/run(_:)``.
///
/// Matching is a backtracking search that remembers every (instruction, position) pair it has
/// already tried (RE2's "bit-state" strategy): each pair is tried at most once, so the work is bounded
/// by `instructions × (text length + 1)` whatever the pattern — `(a*)*b` cannot run away.
struct RegexProgram: Sendable {
    /// Whether a match must cover the whole text (templates) or may be found anywhere (Go's `MatchString`).
    enum Mode: Sendable { case wholeText, search }

    struct Instruction: Sendable {
        enum Opcode: UInt8, Sendable { case bytes, anyScalar, anyScalarOrNewline, characterClass, split, jump, assert, match }
        var opcode: Opcode
        var first: Int32 = 0
        var second: Int32 = 0
    }

    /// Most instructions one program may have; larger patterns are rejected when compiled.
    static let maximumInstructions = 20_000
    /// Most (instruction, position) pairs one match may visit before it is abandoned as too expensive.
    static let maximumStates = 1 << 25

    private(set) var instructions: [Instruction] = []
    private(set) var literalBytes: [UInt8] = []
    private(set) var classes: [CharacterClass] = []

    init(_ node: RegexNode, mode: Mode, pattern: String) throws(RegexSyntaxError) {
        if mode == .search {
            // L0: split L3, L1; L1: any; L2: jump L0; L3: body
            instructions.append(Instruction(opcode: .split, first: 3, second: 1))
            instructions.append(Instruction(opcode: .anyScalarOrNewline))
            instructions.append(Instruction(opcode: .jump, first: 0))
        }
        try emit(node, pattern: pattern)
        if mode == .wholeText {
            instructions.append(Instruction(opcode: .assert, first: Int32(RegexAssertion.textEnd.rawValue)))
        }
        instructions.append(Instruction(opcode: .match))
    }

    private mutating func emit(_ node: RegexNode, pattern: String) throws(RegexSyntaxError) {
        guard instructions.count < RegexProgram.maximumInstructions else {
            throw RegexSyntaxError(message: "expression too large", pattern: pattern, offset: 0)
        }
        switch node {
        case .empty:
            break
        case .scalar(let value):
            emitLiteral([value])
        case .anyScalar(let includesNewline):
            instructions.append(Instruction(opcode: includesNewline ? .anyScalarOrNewline : .anyScalar))
        case .characterClass(let cls):
            classes.append(cls)
            instructions.append(Instruction(opcode: .characterClass, first: Int32(classes.count - 1)))
        case .assertion(let assertion):
            instructions.append(Instruction(opcode: .assert, first: Int32(assertion.rawValue)))
        case .concatenation(let parts):
            var pendingScalars: [UInt32] = []
            for part in parts {
                if case .scalar(let value) = part {
                    pendingScalars.append(value)
                    continue
                }
                if !pendingScalars.isEmpty { emitLiteral(pendingScalars); pendingScalars = [] }
                try emit(part, pattern: pattern)
            }
            if !pendingScalars.isEmpty { emitLiteral(pendingScalars) }
        case .alternation(let branches):
            var jumpsToEnd: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index == branches.count - 1 {
                    try emit(branch, pattern: pattern)
                } else {
                    let split = instructions.count
                    instructions.append(Instruction(opcode: .split, first: Int32(split + 1)))
                    try emit(branch, pattern: pattern)
                    jumpsToEnd.append(instructions.count)
                    instructions.append(Instruction(opcode: .jump))
                    instructions[split].second = Int32(instructions.count)
                }
            }
            for jump in jumpsToEnd { instructions[jump].first = Int32(instructions.count) }
        case .repetition(let body, let min, let max):
            for _ in 0..<min { try emit(body, pattern: pattern) }
            if let max {
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(instructions.count)
                    instructions.append(Instruction(opcode: .split, first: Int32(instructions.count + 1)))
                    try emit(body, pattern: pattern)
                }
                for split in splits { instructions[split].second = Int32(instructions.count) }
            } else {
                let loop = instructions.count
                instructions.append(Instruction(opcode: .split, first: Int32(loop + 1)))
                try emit(body, pattern: pattern)
                instructions.append(Instruction(opcode: .jump, first: Int32(loop)))
                instructions[loop].second = Int32(instructions.count)
            }
        }
    }

    private mutating func emitLiteral(_ scalars: [UInt32]) {
        let start = literalBytes.count
        for value in scalars {
            literalBytes.append(contentsOf: Unicode.Scalar(value).map { Array(String($0).utf8) } ?? [])
        }
        instructions.append(Instruction(opcode: .bytes, first: Int32(start), second: Int32(literalBytes.count - start)))
    }
}
