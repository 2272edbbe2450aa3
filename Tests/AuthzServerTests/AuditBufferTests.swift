@testable import AuthzServer
import IAMResources
import NIOEmbedded
import Synchronization
import Testing

/// The audit buffer never loses a record to a full shard when it has somewhere to shed them.
@Suite struct AuditBufferTests {
    static func record(_ number: Int) -> AuditLine {
        AuditLine(AuditRecord(id: "r\(number)", timestamp: 0, username: "u", effect: "allow", conclusion: "", request: "{}",
                              policies: "", deciders: "[]", expireAt: ""))
    }

    @Test func aFullShardShedsItsOldestQuarterToTheOverflow() {
        let shed = Mutex<[String]>([])
        let buffer = AuditBuffer(capacity: 8, shards: 1) { records in
            shed.withLock { $0 += records.compactMap(\.record?.id) }
            return true
        }
        for number in 0..<20 { #expect(buffer.append(Self.record(number))) }
        let kept = buffer.take(100).compactMap(\.record?.id)
        let spilled = shed.withLock { $0 }
        #expect(spilled.count + kept.count == 20)
        #expect(Set(spilled + kept).count == 20, "every record exactly once")
        #expect(spilled.prefix(2) == ["r0", "r1"], "the oldest go first: \(spilled)")
        #expect(kept.last == "r19")
    }

    @Test func withoutAnOverflowAFullShardRefuses() {
        let buffer = AuditBuffer(capacity: 4, shards: 1)
        let accepted = (0..<6).map { buffer.append(Self.record($0)) }
        #expect(accepted == [true, true, true, true, false, false])
        #expect(buffer.count == 4)
    }

    @Test func itRingsTheShipperAtTheFirstLineAtAFullBatchAndAtTheBacklogLimit() async {
        let buffer = AuditBuffer(capacity: 100, shards: 2, batchSize: 3)
        let loop = NIOAsyncTestingEventLoop()
        var rings: [Int] = []
        var backlogRings: [Int] = []
        for number in 1...13 {
            #expect(buffer.append(Self.record(number), key: number))
            if buffer.arrivals.isRung { rings.append(number) }
            if buffer.backlog.isRung { backlogRings.append(number) }
            // The shipper takes the ring (a wait that ends at once).
            if buffer.arrivals.isRung { await buffer.arrivals.wait(until: nil, timers: loop) }
            if buffer.backlog.isRung { await buffer.backlog.wait(until: nil, timers: loop) }
        }
        #expect(rings == [1, 3])
        #expect(backlogRings == [12])
        #expect(buffer.count == 13)
        #expect(buffer.take(5).count == 5 && buffer.count == 8)
        #expect(buffer.take(100).count == 8 && buffer.count == 0)
        #expect(buffer.append(Self.record(14)) && buffer.arrivals.isRung, "empty again: the next line rings")
        await loop.shutdownGracefully()
    }

    @Test func itsCountStaysExactWhenAShardSheds() {
        let buffer = AuditBuffer(capacity: 8, shards: 1) { _ in true }
        for number in 0..<20 { _ = buffer.append(Self.record(number)) }
        #expect(buffer.count == buffer.take(100).count)
        #expect(buffer.count == 0)
    }
}
