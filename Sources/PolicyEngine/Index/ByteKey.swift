/// Bytes as a dictionary key, hashed in bulk: `Array<UInt8>`'s own hashing feeds the hasher one byte at a time,
/// which made re-indexing a large policy set (after one of its policies changed) spend most of its time hashing.
struct ByteKey: Hashable, Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.count)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
