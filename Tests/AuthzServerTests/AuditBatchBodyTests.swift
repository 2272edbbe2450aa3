@testable import AuthzServer
import Foundation
import IAMResources
import Logging
import PolicyEngine
import Testing

/// Batches of audit records as the shipper sends them and the spool keeps them: a batch that was not delivered is
/// sent again byte for byte, since the apiserver recognizes a batch it already queued by its record ids in order.
@Suite struct AuditBatchBodyTests {
    static func line(_ number: Int, padding: Int = 60) -> String {
        AuditLine(AuditRecord(id: "r\(number)", timestamp: Int64(number), username: "u", effect: "allow",
                              conclusion: String(repeating: "c", count: padding), request: "{}", policies: "", deciders: "[]",
                              expireAt: "2126-01-01T00:00:00Z")).text
    }

    /// The record ids of a body, read as JSON.
    static func ids(_ body: AuditBatchBody) throws -> [String] {
        guard case .object(let members) = try JSONValue.parse(body.bytes), case .array(let records)? = members["records"],
              case .number(let count)? = members["count"] else { throw NotABatchBody() }
        let ids = records.compactMap { record -> String? in
            guard case .object(let fields) = record, case .string(let id)? = fields["id"], fields["record"] != nil else { return nil }
            return id
        }
        #expect(ids.count == records.count && Double(ids.count) == count, "count matches the records")
        return ids
    }

    struct NotABatchBody: Error {}

    /// Appends lines to the spool's file as versions before batches were spooled whole wrote them: one record each.
    static func appendRecordLines(_ lines: [String], to spool: AuditSpool) throws {
        let handle = FileHandle(forWritingAtPath: spool.path) ?? {
            _ = FileManager.default.createFile(atPath: spool.path, contents: nil)
            return FileHandle(forWritingAtPath: spool.path)
        }()
        let file = try #require(handle)
        try file.seekToEnd()
        try file.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
        try file.close()
    }

    @Test func linesAreSplitIntoBodiesOfBoundedSizeInOrder() throws {
        let lines = (0..<30).map { Self.line($0) }
        let long = Self.line(99, padding: 3000)
        let batches = AuditBatchBody.batches(of: (lines[..<10] + [long] + lines[10...]).map(\.utf8), maxBytes: 1000)
        #expect(batches.count > 4)
        for batch in batches where batch.count > 1 {
            #expect(batch.bytes.count < 1000, "\(batch.bytes.count) bytes")
        }
        #expect(batches.contains { $0.count == 1 && $0.bytes.count > 3000 }, "a line longer than the limit is a body by itself")
        let ids = try batches.flatMap(Self.ids)
        #expect(ids == (0..<10).map { "r\($0)" } + ["r99"] + (10..<30).map { "r\($0)" }, "every line once, in order")
        #expect(AuditBatchBody.batches(of: [[UInt8]](), maxBytes: 1000).isEmpty)
    }

    @Test func aSpooledBatchIsReplayedUnchangedAndOldSpoolLinesAreGroupedTheSameEachTime() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = AuditSpool(path: directory + "/audit.spool")
        // A file of an earlier version (one record per line), then batches, one of them longer than a replay chunk.
        let legacy = (0..<7).map { Self.line($0) }
        try Self.appendRecordLines(legacy, to: spool)
        let sent = AuditBatchBody.batches(of: (10..<40).map { Self.line($0).utf8 }, maxBytes: 1200)
            + AuditBatchBody.batches(of: (40..<80).map { Self.line($0).utf8 }, maxBytes: 100_000)
        #expect(sent.last!.bytes.count > 4000)
        #expect(AuditShipper.keep((80..<83).map { AuditLine(AuditRecord(id: "r\($0)", timestamp: 0, username: "u", effect: "deny",
            conclusion: "", request: "{}", policies: "", deciders: "[]", expireAt: "")) }, in: spool, metrics: AuthzMetrics(),
            logger: Logger(label: "test")))
        try spool.append(sent)

        #expect(try spool.beginReplay())
        func replay() throws -> [AuditBatchBody] {
            var bodies: [AuditBatchBody] = []
            var offset: UInt64 = 0
            while let chunk = try spool.nextChunk(maxBytes: 2000) {
                #expect(chunk.end > offset)
                offset = chunk.end
                bodies += AuditBatchBody.replayed(chunk.lines, maxBytes: 2000)
                try spool.commit(offset: chunk.end)
            }
            try spool.commit(offset: 0)
            return bodies
        }
        let first = try replay()
        #expect(try first.flatMap(Self.ids) == (0..<7).map { "r\($0)" } + (80..<83).map { "r\($0)" } + (10..<80).map { "r\($0)" })
        #expect(Array(first.suffix(sent.count)) == sent, "batches come back byte for byte")
        #expect(try replay() == first, "a replay started again sends the same bodies")
        #expect(AuditBatchBody(spoolLine: legacy[0]) == nil && AuditBatchBody(spoolLine: #"{"count":x}"#) == nil)
    }
}
