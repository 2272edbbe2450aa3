import APIServer
import HTTPTypes
import IAMResources
import IAMStore
import PolicyEngine
import Synchronization
import Testing

/// `POST /internal/v1/audit`: records join the queue as the text the authz server sent, and a batch that is not
/// well formed is refused whole, with a message, and queues nothing.
@Suite struct AuditIntakeTests {
    static let configuration = TestServers.configuration { $0.clusterToken = ChangeFeedTests.token }
    static let feed = Credentials.bearer(ChangeFeedTests.token)

    /// Every queued record, in queue order, taken out of the queue.
    static func drain(_ server: APIServer) async throws -> [QueuedAuditRecord] {
        let queue = try #require(server.store as? any AuditQueueStore)
        let taken = Mutex<[QueuedAuditRecord]>([])
        _ = try await queue.drainAuditQueue(limit: 1000) { batch in
            taken.withLock { $0 += batch }
            return []
        }
        return taken.withLock { $0 }
    }

    @Test(arguments: TestEngine.available)
    func recordsAreQueuedAsSentAndReplaysAreSkipped(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine, configuration: Self.configuration) { api, server in
            // As AuditLine writes them, including escaped policy texts, and one with spacing a hand-made client might send.
            let first = #"{"timestamp":1764547200,"username":"gina","effect":"allow","conclusion":"policies p1 allow access","request":"{\"resource\":\"articles:1\",\"action\":\"read\",\"subject\":\"users:gina\",\"context\":{\"ip\":\"10.0.0.1\",\"username\":\"gina\"}}","policies":"[{\"id\":\"p1\"}]","deciders":"[{\"id\":\"p1\"}]","expireAt":"2125-12-01T00:00:00Z"}"#
            let second = #"{ "timestamp" : 1764547201, "username" : "é\u00e9\ud83d\ude00", "effect":"deny" }"#
            let body = #"{"records":[{"id":"a-1","record":\#(first)},{"record":\#(second),"id":"a-2","extra":[1,{"x":null}]},{"id":"a-1","record":{"repeat":true}}],"more":true}"#
            let answer = try await api.call(.post, "/internal/v1/audit", Self.feed, body: body)
            #expect(answer.status == 200 && answer.number("queued") == 2, "an id repeated in the batch is queued once: \(answer.text)")
            #expect(try await api.call(.post, "/internal/v1/audit", Self.feed, body: body).number("queued") == 0,
                    "a replayed batch queues nothing twice")

            let queued = try await Self.drain(server)
            #expect(queued.map(\.id) == ["a-1", "a-2"])
            #expect(queued.map(\.json) == [first, second], "the exact text sent")
            let record = try #require(AuditRecord(id: "a-1", json: queued[0].json))
            #expect(record.username == "gina" && record.request.contains(#""ip":"10.0.0.1""#))
        }
    }

    /// Without repeated ids the batch is stored as the `records` array's text as it arrived (spacing and other
    /// members included), under the same key as the records written out anew, so a batch queued either way is
    /// recognized when it comes again the other way.
    @Test(arguments: TestEngine.available)
    func aBatchWithoutRepeatsIsStoredAsItArrived(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine, configuration: Self.configuration) { api, server in
            let records = [#"{"timestamp":1,"username":"ann","request":"{\"a\":[1,2]}"}"#, #"{ "timestamp" : 2 , "deciders":[] }"#]
            let body = #"{ "records" : [ {"id":"b-1","record":\#(records[0])} ,"#
                + #" {"id":"b-2", "note":{"n":[null,true,-1.5e3]}, "record":\#(records[1])}"#
                + "\n] }"
            let answer = try await api.call(.post, "/internal/v1/audit", Self.feed, body: body)
            #expect(answer.status == 200 && answer.number("queued") == 2, "\(answer.text)")
            let queue = try #require(server.store as? any AuditQueueStore)
            let same = zip(["b-1", "b-2"], records).map { QueuedAuditRecord(id: $0, json: $1) }
            #expect(try await queue.enqueueAuditRecords(same) == 0, "the same ids in the same order: the same batch")
            #expect(try await queue.enqueueAuditRecords(Array(same.reversed())) == 2, "another order is another batch")

            let queued = try await Self.drain(server)
            #expect(queued == same + same.reversed())
        }
    }

    @Test func malformedBatchesAreRefusedWholeAndQueueNothing() async throws {
        let good = #"{"id":"ok-1","record":{"a":1}}"#
        let cases: [(body: String, fragment: String)] = [
            (#"{"records":[\#(good),{"id":"x","record":{"a":"\q"}}]}"#, "malformed JSON at line 1"),
            (#"{"records":[\#(good),{"id":"x","record":{"a":1}}"#, "malformed JSON"),
            (#"{"records":[\#(good)]} trailing"#, "unexpected text after"),
            (#"{"records":[\#(good),{"id":"x","record":"text"}]}"#, "records[1] must be"),
            (#"{"records":[\#(good),{"id":"","record":{}}]}"#, "records[1] must be"),
            (#"{"records":[\#(good),{"id":"\#(String(repeating: "i", count: 129))","record":{}}]}"#, "records[1] must be"),
            (#"{"records":[\#(good),{"id":"x"}]}"#, "records[1] must be"),
            (#"{"records":[\#(good),7]}"#, "records[1] must be"),
            (#"{"records":[\#(good),{"id":"x","record":}]}"#, "malformed JSON"),
            (#"{"records":{"id":"x"}}"#, "records must be an array"),
            (#"{"other":[]}"#, "records must be an array"),
            (#"[\#(good)]"#, "body must be a JSON object"),
            ("", "malformed JSON"),
        ]
        try await TestServers.withServer(.sqlite, configuration: Self.configuration) { api, server in
            for (body, fragment) in cases {
                let answer = try await api.call(.post, "/internal/v1/audit", Self.feed, body: body)
                #expect(answer.status == 400 && answer.code == 100003, "\(body): \(answer.text)")
                #expect(answer.string("details")?.contains(fragment) == true, "\(body): \(answer.text)")
            }
            #expect(try await api.call(.post, "/internal/v1/audit", body: #"{"records":[]}"#).code == 100205, "the cluster token is required")
            #expect(try await Self.drain(server).isEmpty, "a refused batch queues none of its records")
        }
    }
}
