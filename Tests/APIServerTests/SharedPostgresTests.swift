import APIServer
import HTTPTypes
import IAMStore
import Testing

/// Two apiservers on one PostgreSQL database behave as one.
@Suite struct SharedPostgresTests {
    @Test(.enabled(if: TestEngine.postgresURL != nil))
    func aWriteAcknowledgedByOneIsVisibleToTheOthersNextRead() async throws {
        try await TestStores.withPostgresDatabase { url in
            try await TestStores.withPostgresStore(url: url) { storeA in
                try await TestStores.withPostgresStore(url: url) { storeB in
                    try await TestServers.withServer(store: storeA, configuration: ChangeFeedTests.configuration) { a, _ in
                        try await TestServers.withServer(store: storeB, configuration: ChangeFeedTests.configuration) { b, _ in
                            let adminA = try await a.login("admin", TestServers.adminPassword)
                            let adminB = try await b.login("admin", TestServers.adminPassword)
                            for index in 0..<20 {
                                let name = "p\(index)"
                                let writer = index % 2 == 0 ? (a, adminA) : (b, adminB)
                                let reader = index % 2 == 0 ? (b, adminB) : (a, adminA)
                                let created = try await writer.0.call(.post, "/v1/policies", writer.1,
                                    body: #"{"metadata":{"name":"\#(name)"},"policy":{"effect":"allow"}}"#)
                                #expect(created.status == 200)
                                let seen = try await reader.0.call(.get, "/v1/policies/\(name)", reader.1)
                                #expect(seen.status == 200, "\(name) written by one server is read by the other at once")
                                #expect(try await reader.0.call(.delete, "/v1/policies/\(name)", reader.1).status == 200)
                                #expect(try await writer.0.call(.get, "/v1/policies/\(name)", writer.1).code == 110201)
                            }
                            // A token issued by one is accepted by the other (same jwt.key).
                            #expect(try await b.call(.get, "/v1/users/admin", adminA).status == 200)
                            // Racing creates of one name through both: exactly one wins, the other is a clean 400.
                            async let first = a.register("racer")
                            async let second = b.register("racer")
                            let statuses = [try await first.status, try await second.status].sorted()
                            #expect(statuses == [200, 400])
                            // Racing secret creation cannot pass the per-user limit of 10.
                            try await withThrowingTaskGroup(of: Int.self) { group in
                                for index in 0..<16 {
                                    let (client, credentials) = index % 2 == 0 ? (a, adminA) : (b, adminB)
                                    group.addTask {
                                        try await client.call(.post, "/v1/secrets", credentials, body: #"{"metadata":{"name":"s\#(index)"}}"#).status
                                    }
                                }
                                var created = 0
                                for try await status in group where status == 200 { created += 1 }
                                #expect(created == 10)
                            }
                            #expect(try await storeA.currentRevision() == storeB.currentRevision())
                            // A long poll on one apiserver sees a write made through the other.
                            let after = try await storeB.currentRevision()
                            async let polled = b.call(.get, "/internal/v1/changes?after=\(after)&wait=30", .bearer(ChangeFeedTests.token))
                            try await Task.sleep(for: .milliseconds(300))
                            try await a.register("via-a")
                            #expect(ChangeFeedTests.summary(try await polled) == ["user via-a create"])
                        }
                    }
                }
            }
        }
    }
}
