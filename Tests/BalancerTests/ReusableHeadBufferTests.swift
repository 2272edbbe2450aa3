@testable import Balancer
import NIOCore
import Testing

/// A connection's head buffer is written into again once NIO has let go of it, and copied, never overwritten,
/// while an earlier head is still queued.
@Suite struct ReusableHeadBufferTests {
    @Test func theKeptMemoryIsReusedOnceNobodyElseHoldsIt() {
        var heads = ReusableHeadBuffer()
        var first = heads.take(capacity: 64, allocator: ByteBufferAllocator())
        first.writeString("HTTP/1.1 200 OK\r\n\r\n")
        let firstAddress = first.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        heads.keep(first)
        first = ByteBuffer()  // the write finished: only the kept reference is left
        var second = heads.take(capacity: 64, allocator: ByteBufferAllocator())
        #expect(second.readableBytes == 0)
        second.writeString("HTTP/1.1 404 Not Found\r\n\r\n")
        #expect(second.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == firstAddress)
    }

    @Test func aHeadStillQueuedIsNotOverwritten() {
        var heads = ReusableHeadBuffer()
        var first = heads.take(capacity: 64, allocator: ByteBufferAllocator())
        first.writeString("first head")
        heads.keep(first)  // `first` stays alive, as a write NIO has not finished
        var second = heads.take(capacity: 64, allocator: ByteBufferAllocator())
        second.writeString("second")
        #expect(String(buffer: first) == "first head")
        #expect(String(buffer: second) == "second")
    }
}
