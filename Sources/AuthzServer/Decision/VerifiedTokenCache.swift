internal import IAMTokens
import NIOCore

/// Tokens whose signature was verified against one snapshot revision, so a client that repeats its token (the
/// usual case: a token is signed once and used until it expires) skips base64, JSON and HMAC. The time claims and
/// the secret's expiry are still checked on every use, and a new snapshot revision (any write: a secret deleted,
/// its key or owner changed) invalidates every entry. One cache per event loop, touched only by it: no lock.
final class VerifiedTokenCache: @unchecked Sendable {
    struct Entry {
        var revision: Int64
        var username: String
        var times: JWTTimes
        var secretExpires: Int64
    }

    /// An `Authorization` header's bytes as a key, hashed by their length and last 16 bytes: those lie in the
    /// token's HMAC signature, which is as good as random, so hashing the whole header (a few hundred bytes, once per
    /// decision) buys nothing. Equality still compares every byte, and only verified tokens are ever stored.
    struct HeaderKey: Hashable {
        let header: ByteBuffer

        func hash(into hasher: inout Hasher) {
            hasher.combine(header.readableBytes)
            header.withUnsafeReadableBytes { bytes in
                hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes[max(0, bytes.count - 16)...]))
            }
        }
    }

    private var entries: [HeaderKey: Entry] = [:]
    /// At most this many tokens; when full, the cache starts over (cheaper than tracking use, and rare).
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { entries.count }
    /// Lookups answered from the cache.
    private(set) var hits = 0

    /// The entry for an `Authorization` header verified at `revision`; `header` may be a slice of a receive buffer.
    func entry(for header: ByteBuffer, revision: Int64) -> Entry? {
        guard let entry = entries[HeaderKey(header: header)], entry.revision == revision else { return nil }
        hits += 1
        return entry
    }

    func store(_ entry: Entry, for header: ByteBuffer) {
        guard capacity > 0 else { return }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        // A copy of its own: a slice would keep the whole receive buffer it came from alive.
        var copy = ByteBuffer()
        copy.reserveCapacity(header.readableBytes)
        copy.writeImmutableBuffer(header)
        entries[HeaderKey(header: copy)] = entry
    }
}
