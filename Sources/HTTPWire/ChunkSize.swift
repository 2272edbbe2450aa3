extension HTTPWire {
    /// Why a chunk-size line is refused, in words for an error answer or a log line.
    public enum ChunkSizeError: Error, Equatable, Sendable, CustomStringConvertible {
        /// Nothing, or a blank or `;`, before the first digit.
        case noDigits
        /// Anything but blanks and then `;` after the digits (`5 x`, `5x`, `-1`).
        case notHexadecimal
        /// More than 15 hexadecimal digits (the size would not fit the counters).
        case tooLarge

        public var description: String {
            switch self {
            case .noDigits: "a chunk size needs hex digits"
            case .notHexadecimal: "a chunk size must be hexadecimal, followed by nothing or by ';' and extensions"
            case .tooLarge: "a chunk size is too large"
            }
        }
    }

    /// The size on a chunk-size line (`1a3`, `1a3 ;name=value`; the CRLF not included), for requests and responses
    /// alike. RFC 9112 §7.1: hex digits, optional blanks, then either nothing or `;` and extensions, which are
    /// ignored. Anything else after the digits is refused: a reader that stops at the first non-digit and another
    /// that refuses the line would frame the same bytes differently.
    public static func chunkSize(_ line: UnsafeRawBufferPointer) throws(ChunkSizeError) -> Int {
        var size = 0
        var index = 0
        while index < line.count, let value = hexValue(line[index]) {
            guard index < 15 else { throw .tooLarge }
            size = size << 4 | value
            index += 1
        }
        if index == 0 {
            let first = line.first
            throw first == nil || first == UInt8(ascii: ";") || first == UInt8(ascii: " ") || first == UInt8(ascii: "\t")
                ? .noDigits : .notHexadecimal
        }
        while index < line.count, line[index] == UInt8(ascii: " ") || line[index] == UInt8(ascii: "\t") { index += 1 }
        guard index == line.count || line[index] == UInt8(ascii: ";") else { throw .notHexadecimal }
        return size
    }
}
