import NIOCore

/// The buffer a connection writes its message heads into, kept between messages: once the previous head has been
/// written to the socket (NIO has let go of it), the next one is written into the same memory instead of a new
/// allocation. While an earlier head is still queued, writing copies the buffer first (ByteBuffer's copy on
/// write), which is only as costly as not reusing it.
struct ReusableHeadBuffer {
    private var kept: ByteBuffer?

    /// An empty buffer with room for `capacity` bytes, the kept one when there is one.
    mutating func take(capacity: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard var buffer = kept else { return allocator.buffer(capacity: capacity) }
        kept = nil  // the caller holds the only reference this side of NIO while writing
        buffer.clear(minimumCapacity: capacity)
        return buffer
    }

    /// Keeps `buffer` (just handed to `write`) for the next head.
    mutating func keep(_ buffer: ByteBuffer) {
        kept = buffer
    }
}
