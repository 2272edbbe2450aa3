/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit words.
public enum InternetChecksum {
    /// The ones' complement sum of `bytes` (odd length padded with a zero byte), folded to 16 bits.
    public static func sum(_ bytes: some Sequence<UInt8>, initial: UInt32 = 0) -> UInt32 {
        var total = initial
        var high: UInt8?
        for byte in bytes {
            if let first = high {
                total &+= UInt32(first) << 8 | UInt32(byte)
                high = nil
            } else {
                high = byte
            }
        }
        if let first = high { total &+= UInt32(first) << 8 }
        while total > 0xFFFF { total = (total & 0xFFFF) + (total >> 16) }
        return total
    }

    /// The checksum to store so that the data sums to 0xFFFF.
    public static func checksum(_ bytes: some Sequence<UInt8>, initial: UInt32 = 0) -> UInt16 {
        ~UInt16(truncatingIfNeeded: sum(bytes, initial: initial))
    }
}
