@testable import AuthzServer
import IAMResources
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
}
