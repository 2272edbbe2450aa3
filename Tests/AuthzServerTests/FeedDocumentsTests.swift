@testable import AuthzServer
import Foundation
import IAMResources
import PolicyEngine
import Testing

@Suite struct FeedDocumentsTests {
    @Test func readsTheApiserversSnapshotOwnerAndChangesDocuments() throws {
        let snapshot = try FeedDocuments.snapshot(Array("""
            {"revision":12,"secrets":[{"metadata":{"id":1,"name":"s"},"username":"colin","secretID":"SID","secretKey":"KEY","expires":0,"description":""}],
             "policies":[{"metadata":{"id":3,"name":"p3"},"username":"colin","policy":{"subjects":["a"],"actions":["b"],"resources":["c"],"effect":"allow"}}]}
            """.utf8))
        #expect(snapshot.revision == 12)
        #expect(snapshot.secrets.map(\.secretID) == ["SID"] && snapshot.secrets[0].username == "colin")
        #expect(snapshot.policies.map(\.owner) == ["colin"] && snapshot.policies[0].policy.id == "p3")
        let owner = try FeedDocuments.owner(Array(#"{"revision":13,"username":"colin","enabled":false,"secrets":[],"policies":[]}"#.utf8))
        #expect(owner.revision == 13 && owner.secrets.isEmpty && owner.policies.isEmpty)
        let changes = try FeedDocuments.changes(Array(#"{"revision":14,"changes":[{"revision":13,"kind":"secret","username":"colin","name":"s","op":"delete"},{"revision":14,"kind":"policy","username":"ken","name":"p","op":"create"}]}"#.utf8))
        #expect(changes.revision == 14 && changes.changes.map(\.username) == ["colin", "ken"])
        for bad in ["", "[]", #"{"revision":"x","secrets":[],"policies":[]}"#, #"{"revision":1,"secrets":{},"policies":[]}"#,
                    #"{"revision":1,"secrets":[{"secretID":1}],"policies":[]}"#] {
            #expect(throws: (any Error).self, "\(bad)") { try FeedDocuments.snapshot(Array(bad.utf8)) }
        }
    }

    @Test func theSpoolReplaysWholeLinesInChunksAndResumesAfterACrash() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = AuditSpool(path: directory + "/audit.spool")
        #expect(!spool.hasRecords)
        #expect(try !spool.beginReplay())
        let records = (0..<50).map { index in
            AuditRecord(id: "a\"\(index)", timestamp: Int64(index), username: "u", effect: "allow", conclusion: "c", request: "{}",
                        policies: "", deciders: "[]", expireAt: "2126-01-01T00:00:00Z")
        }
        try AuditBatchBodyTests.appendRecordLines(records.map { AuditLine($0).text }, to: spool)
        // A crash in the middle of a write leaves a partial last line: it is not replayed.
        let handle = try #require(FileHandle(forWritingAtPath: spool.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"id":"torn","rec"#.utf8))
        try handle.close()
        #expect(spool.hasRecords)
        #expect(try spool.beginReplay())
        try AuditBatchBodyTests.appendRecordLines([AuditLine(records[0]).text], to: spool)  // new records go to a fresh file meanwhile
        let first = try #require(try spool.nextChunk(maxBytes: 500))
        #expect(first.lines.first == #"{"id":"a\"0","record":"# + records[0].json + "}")
        try spool.commit(offset: first.end)
        // "Crash" here: a new spool object resumes after the committed chunk.
        let resumed = AuditSpool(path: spool.path)
        #expect(try resumed.beginReplay())
        var lines = first.lines
        while let chunk = try resumed.nextChunk(maxBytes: 500) {
            lines += chunk.lines
            try resumed.commit(offset: chunk.end)
        }
        #expect(lines.count == 50, "every complete line exactly once across the interruption")
        #expect(Set(lines).count == 50)
        resumed.finishReplay()
        #expect(resumed.hasRecords, "the record appended during the replay waits in the fresh file")
        #expect(try resumed.beginReplay())
        #expect(try resumed.nextChunk(maxBytes: 500)?.lines.count == 1)
    }
}
