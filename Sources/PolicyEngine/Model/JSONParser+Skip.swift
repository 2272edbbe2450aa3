extension JSONParser {
    /// Checks the value at `position` as ``parseValue(depth:)`` does and steps over it without building it.
    mutating func skipValue(depth: Int) throws(JSONSyntaxError) {
        guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            try enterContainer(depth: depth + 1)
            var first = true
            while try skipToNextValue(first: first) {
                first = false
                try skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try parseElements(depth: depth + 1) { parser throws(JSONSyntaxError) in try parser.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber()  // checked as parseValue checks it, but not converted
        default:
            _ = try parseValue(depth: depth)  // a literal: nothing is allocated
        }
    }

    /// As ``nextKey(first:)``, but steps over the key instead of making it: true with `position` at the member's value,
    /// false once the closing `}` is read.
    mutating func skipToNextValue(first: Bool) throws(JSONSyntaxError) -> Bool {
        guard try atNextKey(first: first) else { return false }
        try skipString()
        try afterKey()
        return true
    }

    /// Steps over the string at `position` when ``parseString()`` would accept it, without making it; on anything
    /// else ``parseString()`` runs, to find and word the error.
    mutating func skipString() throws(JSONSyntaxError) {
        let start = position
        var index = position + 1
        var highBits: UInt64 = 0
        while index < bytes.count {
            index = skipPlainWords(from: index, highBits: &highBits)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                // Escapes are ASCII and decode to whole scalars, so the raw text is UTF-8 exactly when the string is.
                if highBits & JSONWord.highBits != 0,
                   String(validating: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<index]), as: UTF8.self) == nil {
                    break
                }
                position = index + 1
                return
            }
            if byte < 0x20 { break }
            if byte == UInt8(ascii: "\\") {
                guard let next = escapeEnd(at: index) else { break }
                index = next
                continue
            }
            highBits |= UInt64(byte)
            index += 1
        }
        position = start
        _ = try parseString()
    }

    /// From `index`, steps over the bytes that are neither `"`, `\` nor a control character, 8 at a time, or-ing
    /// them into `highBits`; returns the index of the first such byte (or of the last bytes, fewer than 8).
    @inline(__always)
    private func skipPlainWords(from index: Int, highBits: inout UInt64) -> Int {
        var index = index
        let base = UnsafeRawPointer(bytes.baseAddress!)
        while index + 8 <= bytes.count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let special = JSONWord.specialBytes(word)
            guard special != 0 else {
                highBits |= word
                index += 8
                continue
            }
            let plainBytes = special.trailingZeroBitCount / 8
            if plainBytes > 0 { highBits |= word & ((1 << (8 * plainBytes)) - 1) }
            return index + plainBytes
        }
        return index
    }

    /// Where the escape at `index` (a backslash) ends, when it is one ``parseString()`` accepts.
    private func escapeEnd(at index: Int) -> Int? {
        let letter = index + 1
        guard letter < bytes.count else { return nil }
        switch bytes[letter] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return letter + 1
        case UInt8(ascii: "u"):
            guard let value = hex4(at: letter + 1) else { return nil }
            if (0xDC00...0xDFFF).contains(value) { return nil }
            guard (0xD800...0xDBFF).contains(value) else { return letter + 5 }
            let low = letter + 5
            guard low + 1 < bytes.count, bytes[low] == UInt8(ascii: "\\"), bytes[low + 1] == UInt8(ascii: "u"),
                  let second = hex4(at: low + 2), (0xDC00...0xDFFF).contains(second) else { return nil }
            return low + 6
        default:
            return nil
        }
    }

    private func hex4(at index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            guard let digit = Self.hexDigit(byte) else { return nil }
            value = value << 4 | digit
        }
        return value
    }
}
