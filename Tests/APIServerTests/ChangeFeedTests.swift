import APIServer
import HTTPTypes
import IAMResources
import IAMStore
import PolicyEngine
import SQLKit
import Testing

@Suite struct ChangeFeedTests {
    static let token = "cluster-token-0123456789"
    static let configuration = TestServers.configuration { $0.clusterToken = token }

    @Test func routesAreOffWithoutAClusterTokenAndCheckIt() async throws {
        try await TestServers.withServer(.sqlite) { api, _ in
            let off = try await api.call(.get, "/internal/v1/snapshot", .bearer(Self.token))
            #expect(off.code == 100006)
        }
        try await TestServers.withServer(.sqlite, configuration: Self.configuration) { api, _ in
            #expect(try await api.call(.get, "/internal/v1/snapshot").code == 100205)
            #expect(try await api.call(.get, "/internal/v1/snapshot", .bearer("cluster-token-wrong-value")).code == 100202)
            let admin = try await api.login("admin", TestServers.adminPassword)
            #expect(try await api.call(.get, "/internal/v1/snapshot", admin).code == 100202, "a login token is not the cluster token")
            #expect(try await api.call(.get, "/internal/v1/snapshot", .bearer(Self.token)).status == 200)
        }
    }

    @Test(arguments: TestEngine.available)
    func snapshotsAndChangesFollowEveryWrite(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine, configuration: Self.configuration) { api, server in
            let feed = Credentials.bearer(Self.token)
            let start = try await server.store.currentRevision()
            try await api.register("gina")
            let gina = try await api.login("gina", "Secret@2024")
            #expect(try await api.call(.post, "/v1/secrets", gina, body: #"{"metadata":{"name":"k1"}}"#).status == 200)
            #expect(try await api.call(.post, "/v1/policies", gina, body: #"{"metadata":{"name":"p1"},"policy":{"effect":"allow"}}"#).status == 200)

            let snapshot = try await api.call(.get, "/internal/v1/snapshot", feed)
            #expect(snapshot.number("revision") == Double(try await server.store.currentRevision()))
            #expect(snapshot.text.contains(#""name":"k1""#) && snapshot.text.contains(#""secretKey":"#) && snapshot.text.contains(#""id":"p1""#))

            let changes = try await api.call(.get, "/internal/v1/changes?after=\(start)", feed)
            #expect(Self.summary(changes) == ["user gina create", "secret k1 create", "policy p1 create"], "\(changes.text)")

            // Disabling the owner takes their secrets and policies out of what authorizes.
            let admin = try await api.login("admin", TestServers.adminPassword)
            let before = try await server.store.currentRevision()
            #expect(try await api.call(.put, "/v1/users/gina", admin, body: #"{"status":0}"#).status == 200)
            #expect(Self.summary(try await api.call(.get, "/internal/v1/changes?after=\(before)", feed)) == ["user gina update"])
            let owner = try await api.call(.get, "/internal/v1/owners/gina", feed)
            #expect(owner.json.member("enabled") == .bool(false) && !owner.text.contains("k1"))
            #expect(!(try await api.call(.get, "/internal/v1/snapshot", feed)).text.contains(#""name":"k1""#))
            #expect(try await api.call(.put, "/v1/users/gina", admin, body: #"{"status":1}"#).status == 200)
            #expect((try await api.call(.get, "/internal/v1/owners/gina", feed)).text.contains(#""name":"k1""#))

            // Deleting the user is one revision with every removal in it; limit never splits a revision.
            let beforeDelete = try await server.store.currentRevision()
            #expect(try await api.call(.delete, "/v1/users/gina", admin).status == 200)
            let deletion = try await api.call(.get, "/internal/v1/changes?after=\(beforeDelete)&limit=1", feed)
            #expect(Set(Self.summary(deletion)) == ["secret k1 delete", "policy p1 delete", "user gina delete"])
            #expect(deletion.number("revision") == Double(beforeDelete + 1))
            let nothing = try await api.call(.get, "/internal/v1/changes?after=\(beforeDelete + 1)", feed)
            #expect(nothing.text == #"{"revision":\#(beforeDelete + 1),"changes":[]}"#)
            #expect(try await api.call(.get, "/internal/v1/changes", feed).code == 100003)
        }
    }

    @Test(arguments: TestEngine.available)
    func aLongPollReturnsWithTheNextWrite(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine, configuration: Self.configuration) { api, server in
            let after = try await server.store.currentRevision()
            async let polled = api.call(.get, "/internal/v1/changes?after=\(after)&wait=30", .bearer(Self.token))
            try await Task.sleep(for: .milliseconds(300))
            // Straight to the store: the test client sends one request at a time on one connection.
            _ = try await server.store.createUser(User(metadata: ObjectMeta(name: "hank"), nickname: "hank", passwordHash: "x", email: "h@x.io"))
            #expect(Self.summary(try await polled) == ["user hank create"])
        }
    }

    @Test(arguments: TestEngine.available)
    func aPrunedLogAsksForAResync(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine, configuration: Self.configuration) { api, server in
            for name in ["ivy", "jon", "kim"] { try await api.register(name) }
            let latest = try await server.store.currentRevision()
            try await (server.store as! SQLStore).backend.transaction { database in
                try await database.raw(#"DELETE FROM "change_log" WHERE "revision" < \#(bind: latest)"#).run()
            }
            let gone = try await api.call(.get, "/internal/v1/changes?after=1", .bearer(Self.token))
            #expect(gone.status == 410 && gone.code == 100102)
            #expect(Self.summary(try await api.call(.get, "/internal/v1/changes?after=\(latest - 1)", .bearer(Self.token))) == ["user kim create"])
        }
    }

    static func summary(_ result: APIResult) -> [String] {
        guard case .array(let changes)? = result.json.member("changes") else { return [] }
        return changes.map { change in
            ["kind", "name", "op"].map { key in
                if case .string(let text)? = change.member(key) { return text }
                return "?"
            }.joined(separator: " ")
        }
    }
}
