/// JSON text eight bytes at a time: which bytes of a word end a plain run of string content. Shared by the writer
/// (``JSONTextBuffer``, what needs escaping) and the reader (`JSONParser.skipString`, where a string's plain part ends).
enum JSONWord {
    /// The high bit of every byte.
    static let highBits: UInt64 = 0x8080_8080_8080_8080
    private static let ones: UInt64 = 0x0101_0101_0101_0101

    /// The high bit of each byte of `word` (little-endian: the lowest byte is the first) that is `"`, `\` or below
    /// 0x20, by the classic "has a zero byte" / "has a byte less than" tricks. A borrow may also set the bit of a byte
    /// after such a byte, never before one, so zero means none and the lowest set bit marks the first.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let quote = word ^ 0x2222_2222_2222_2222
        let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
        return ((word &- 0x2020_2020_2020_2020) & ~word | (quote &- ones) & ~quote | (backslash &- ones) & ~backslash) & highBits
    }
}
