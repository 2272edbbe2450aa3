/// The outcome of running a pattern on a text.
enum RegexRunResult: Sendable, Equatable {
    case match, noMatch
    /// The text was too long for the pattern to be matched within ``RegexProgram/maximumStates``.
    case tooExpensive
}

extension RegexProgram {
    /// Runs the program on UTF-8 `text` from position 0.
    func run(_ text: UnsafeBufferPointer<UInt8>) -> RegexRunResult {
        let width = text.count + 1
        let (states, overflow) = instructions.count.multipliedReportingOverflow(by: width)
        guard !overflow, states <= RegexProgram.maximumStates else { return .tooExpensive }
        let words = (states + 63) / 64
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { visited in
            visited.initialize(repeating: 0)
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 64) { smallStack in
                instructions.withUnsafeBufferPointer { program in
                    literalBytes.withUnsafeBufferPointer { literals in
                        var machine = Machine(program: program, literals: literals, classes: classes, text: text,
                                              visited: visited, smallStack: smallStack)
                        return machine.run() ? .match : .noMatch
                    }
                }
            }
        }
    }
}

/// One backtracking run: the visited bitmap plus a stack of (instruction, position) pairs to try.
private struct Machine {
    let program: UnsafeBufferPointer<RegexProgram.Instruction>
    let literals: UnsafeBufferPointer<UInt8>
    let classes: [CharacterClass]
    let text: UnsafeBufferPointer<UInt8>
    let visited: UnsafeMutableBufferPointer<UInt64>
    let smallStack: UnsafeMutableBufferPointer<UInt64>
    var smallCount = 0
    var spilled: [UInt64] = []

    init(program: UnsafeBufferPointer<RegexProgram.Instruction>, literals: UnsafeBufferPointer<UInt8>,
         classes: [CharacterClass], text: UnsafeBufferPointer<UInt8>,
         visited: UnsafeMutableBufferPointer<UInt64>, smallStack: UnsafeMutableBufferPointer<UInt64>) {
        self.program = program
        self.literals = literals
        self.classes = classes
        self.text = text
        self.visited = visited
        self.smallStack = smallStack
    }

    private mutating func push(_ pc: Int, _ position: Int) {
        let entry = UInt64(pc) << 32 | UInt64(position)
        if smallCount < smallStack.count {
            smallStack[smallCount] = entry
            smallCount += 1
        } else {
            spilled.append(entry)
        }
    }

    private mutating func pop() -> (Int, Int)? {
        let entry: UInt64
        if let last = spilled.popLast() {
            entry = last
        } else if smallCount > 0 {
            smallCount -= 1
            entry = smallStack[smallCount]
        } else {
            return nil
        }
        return (Int(entry >> 32), Int(entry & 0xFFFF_FFFF))
    }

    mutating func run() -> Bool {
        let width = text.count + 1
        push(0, 0)
        while let (startPC, startPosition) = pop() {
            var pc = startPC
            var position = startPosition
            thread: while true {
                let state = pc * width + position
                let bit = UInt64(1) << UInt64(state & 63)
                if visited[state >> 6] & bit != 0 { break thread }
                visited[state >> 6] |= bit
                let instruction = program[pc]
                switch instruction.opcode {
                case .bytes:
                    let start = Int(instruction.first)
                    let count = Int(instruction.second)
                    guard position + count <= text.count else { break thread }
                    for offset in 0..<count where text[position + offset] != literals[start + offset] {
                        break thread
                    }
                    position += count
                    pc += 1
                case .anyScalar:
                    guard position < text.count, text[position] != 0x0A else { break thread }
                    position += UTF8Decoding.scalarLength(text, at: position)
                    pc += 1
                case .anyScalarOrNewline:
                    guard position < text.count else { break thread }
                    position += UTF8Decoding.scalarLength(text, at: position)
                    pc += 1
                case .characterClass:
                    guard position < text.count else { break thread }
                    let (scalar, length) = UTF8Decoding.scalar(text, at: position)
                    guard classes[Int(instruction.first)].contains(scalar) else { break thread }
                    position += length
                    pc += 1
                case .split:
                    push(Int(instruction.second), position)
                    pc = Int(instruction.first)
                case .jump:
                    pc = Int(instruction.first)
                case .assert:
                    guard holds(RegexAssertion(rawValue: UInt8(instruction.first))!, at: position) else { break thread }
                    pc += 1
                case .match:
                    return true
                }
            }
        }
        return false
    }

    private func holds(_ assertion: RegexAssertion, at position: Int) -> Bool {
        switch assertion {
        case .textStart: return position == 0
        case .textEnd: return position == text.count
        case .lineStart: return position == 0 || text[position - 1] == 0x0A
        case .lineEnd: return position == text.count || text[position] == 0x0A
        case .wordBoundary: return isWordByte(before: position) != isWordByte(at: position)
        case .notWordBoundary: return isWordByte(before: position) == isWordByte(at: position)
        }
    }

    private func isWordByte(at position: Int) -> Bool {
        position < text.count && CharacterClass.word.contains(UInt32(text[position]))
    }

    private func isWordByte(before position: Int) -> Bool {
        position > 0 && CharacterClass.word.contains(UInt32(text[position - 1]))
    }
}

/// Decoding of well-formed UTF-8 (Swift strings always are); a truncated sequence reads as one byte.
enum UTF8Decoding {
    @inline(__always)
    static func scalarLength(_ text: UnsafeBufferPointer<UInt8>, at position: Int) -> Int {
        let lead = text[position]
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        return position + length <= text.count ? length : 1
    }

    @inline(__always)
    static func scalar(_ text: UnsafeBufferPointer<UInt8>, at position: Int) -> (UInt32, Int) {
        let lead = UInt32(text[position])
        let length = scalarLength(text, at: position)
        switch length {
        case 2 where lead >= 0xC0:
            return ((lead & 0x1F) << 6 | UInt32(text[position + 1] & 0x3F), 2)
        case 3:
            return ((lead & 0x0F) << 12 | UInt32(text[position + 1] & 0x3F) << 6 | UInt32(text[position + 2] & 0x3F), 3)
        case 4:
            let value = (lead & 0x07) << 18 | UInt32(text[position + 1] & 0x3F) << 12
                | UInt32(text[position + 2] & 0x3F) << 6 | UInt32(text[position + 3] & 0x3F)
            return (value, 4)
        default:
            return (lead < 0x80 ? lead : 0xFFFD, 1)
        }
    }
}
