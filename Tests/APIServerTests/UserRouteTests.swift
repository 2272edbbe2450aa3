import APIServer
import HTTPTypes
import IAMResources
import IAMStore
import PolicyEngine
import SQLKit
import Testing

@Suite struct UserRouteTests {
    @Test(arguments: TestEngine.available)
    func selfRegistrationCreatesANonAdminWithoutLeakingTheHash(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine) { api, _ in
            let created = try await api.register("colin", admin: true)
            #expect(created.status == 200, "\(created.text)")
            #expect(created.string("metadata", "name") == "colin")
            #expect(created.string("metadata", "instanceID") == "user-qnxp31")  // id 2: admin is 1
            #expect(created.json.member("isAdmin") == nil, "isAdmin from an anonymous caller is ignored")
            #expect(created.json.member("password") == nil)
            #expect(!created.text.contains("$2"), "no bcrypt hash in any response")
            #expect(created.number("status") == 1)

            let duplicate = try await api.register("colin")
            #expect(duplicate.status == 400 && duplicate.code == 110002)

            let colin = try await api.login("colin", "Secret@2024")
            let me = try await api.call(.get, "/v1/users/colin", colin)
            #expect(me.status == 200 && me.json.member("password") == nil)
            #expect(me.string("loginedAt") != "0001-01-01T00:00:00Z", "login records loginedAt")
            let other = try await api.call(.get, "/v1/users/admin", colin)
            #expect(other.status == 403 && other.code == 100207)
            let list = try await api.call(.get, "/v1/users", colin)
            #expect(list.status == 403 && list.code == 100207)
        }
    }

    /// bcrypt at marmotedu/iam's cost 10 by default; SQLite in WAL mode.
    @Test func storesBcryptCostTenHashesInAWALDatabase() async throws {
        let configuration = TestServers.configuration { $0.bcryptCost = APIServerConfiguration().bcryptCost }
        try await TestServers.withServer(.sqlite, configuration: configuration) { api, server in
            #expect(try await api.register("hashed").status == 200)
            let hash = try #require(try await server.store.user(named: "hashed")?.passwordHash)
            #expect(hash.hasPrefix("$2") && hash.dropFirst(3).hasPrefix("$10$"), "\(hash.prefix(7))")
            _ = try await api.login("hashed", "Secret@2024")
            let mode = try await (server.store as! SQLStore).backend.read { database in
                try await database.raw("PRAGMA journal_mode").first()!.decode(column: "journal_mode", as: String.self)
            }
            #expect(mode == "wal")
        }
    }

    @Test(arguments: TestEngine.available)
    func adminsCreateAdminsAndSelfRegistrationCanBeSwitchedOff(_ engine: TestEngine) async throws {
        let configuration = TestServers.configuration { $0.selfRegistration = false }
        try await TestServers.withServer(engine, configuration: configuration) { api, _ in
            let refused = try await api.register("mallory")
            #expect(refused.status == 403 && refused.code == 100207)
            let admin = try await api.login("admin", TestServers.adminPassword)
            let created = try await api.register("ops", as: admin, admin: true)
            #expect(created.status == 200 && created.number("isAdmin") == 1, "\(created.text)")
            let ops = try await api.login("ops", "Secret@2024")
            #expect(try await api.call(.get, "/v1/users", ops).status == 200)
        }
    }

    @Test(arguments: TestEngine.available)
    func listsPagesAndSelectsExactNames(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine) { api, _ in
            for name in ["tom", "tommy", "atom", "jerry"] { try await api.register(name) }
            let admin = try await api.login("admin", TestServers.adminPassword)
            let all = try await api.call(.get, "/v1/users", admin)
            #expect(all.number("totalCount") == 5)
            #expect(all.names == ["jerry", "atom", "tommy", "tom", "admin"], "newest first")
            let exact = try await api.call(.get, "/v1/users?fieldSelector=name%3Dtom", admin)
            #expect(exact.number("totalCount") == 1 && exact.items.count == 1, "\(exact.text)")
            let page = try await api.call(.get, "/v1/users?offset=1&limit=2", admin)
            #expect(page.number("totalCount") == 5 && page.items.count == 2)
            let unlimited = try await api.call(.get, "/v1/users?limit=-1", admin)
            #expect(unlimited.items.count == 5)
            let none = try await api.call(.get, "/v1/users?fieldSelector=name%3Dnobody", admin)
            #expect(none.text == #"{"items":[]}"#)
            let bad = try await api.call(.get, "/v1/users?limit=ten", admin)
            #expect(bad.status == 400 && bad.code == 100003)
        }
    }

    @Test(arguments: TestEngine.available)
    func updatesAndPasswordChangesFollowTheOwnershipRules(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine) { api, _ in
            try await api.register("alice")
            try await api.register("bob")
            let alice = try await api.login("alice", "Secret@2024")
            let updated = try await api.call(.put, "/v1/users/alice", alice, body: #"{"nickname":"Al","phone":"123","status":0,"isAdmin":1}"#)
            #expect(updated.status == 200 && updated.string("nickname") == "Al" && updated.string("email") == "alice@example.com")
            #expect(updated.number("status") == 1 && updated.json.member("isAdmin") == nil, "users cannot disable or promote themselves")
            let invalid = try await api.call(.put, "/v1/users/alice", alice, body: #"{"email":"not-an-email"}"#)
            #expect(invalid.status == 400 && invalid.code == 100004)

            // Not marmotedu/iam's hole: nobody changes another user's password.
            let hijack = try await api.call(.put, "/v1/users/bob/change-password", alice,
                                            body: #"{"oldPassword":"Secret@2024","newPassword":"Owned@2024"}"#)
            #expect(hijack.status == 403 && hijack.code == 100207)
            let wrongOld = try await api.call(.put, "/v1/users/alice/change-password", alice,
                                              body: #"{"oldPassword":"Wrong@2024","newPassword":"Newer@2024"}"#)
            #expect(wrongOld.status == 401 && wrongOld.code == 100206)
            let weak = try await api.call(.put, "/v1/users/alice/change-password", alice,
                                          body: #"{"oldPassword":"Secret@2024","newPassword":"weak"}"#)
            #expect(weak.status == 400 && weak.code == 100003)
            let changed = try await api.call(.put, "/v1/users/alice/change-password", alice,
                                             body: #"{"oldPassword":"Secret@2024","newPassword":"Newer@2024"}"#)
            #expect(changed.status == 200 && changed.text == "null")
            _ = try await api.login("alice", "Newer@2024")

            let admin = try await api.login("admin", TestServers.adminPassword)
            let reset = try await api.call(.put, "/v1/users/bob/change-password", admin, body: #"{"newPassword":"Reset@2024"}"#)
            #expect(reset.status == 200)
            _ = try await api.login("bob", "Reset@2024")
            let missing = try await api.call(.put, "/v1/users/nobody", admin, body: #"{"nickname":"x"}"#)
            #expect(missing.status == 404 && missing.code == 110001)
        }
    }

    @Test(arguments: TestEngine.available)
    func disablingOrDeletingAUserEndsTheirTokensAndDataAtOnce(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine) { api, server in
            try await api.register("carol")
            try await api.register("dave")
            let carol = try await api.login("carol", "Secret@2024")
            let dave = try await api.login("dave", "Secret@2024")
            #expect(try await api.call(.post, "/v1/secrets", carol, body: #"{"metadata":{"name":"k"}}"#).status == 200)
            #expect(try await api.call(.post, "/v1/policies", carol, body: #"{"metadata":{"name":"p"},"policy":{"effect":"allow"}}"#).status == 200)
            let admin = try await api.login("admin", TestServers.adminPassword)
            let before = try await server.store.currentRevision()

            let disabled = try await api.call(.put, "/v1/users/dave", admin, body: #"{"status":0}"#)
            #expect(disabled.number("status") == 0)
            #expect(try await api.call(.get, "/v1/users/dave", dave).status == 401, "a disabled user's token stops working")
            #expect(try await api.call(.post, "/login", body: #"{"username":"dave","password":"Secret@2024"}"#).status == 401)

            #expect(try await api.call(.delete, "/v1/users/carol", admin).text == "null")
            #expect(try await api.call(.get, "/v1/secrets", carol).status == 401, "a deleted user's token stops working")
            #expect(try await server.store.listSecrets(owner: "carol", ListQuery()).totalCount == 0)
            #expect(try await server.store.listPolicies(owner: "carol", ListQuery()).totalCount == 0)
            #expect(try await server.store.currentRevision() == before + 2, "disable and delete each record a revision")
            #expect(try await api.call(.delete, "/v1/users/ghost", admin).text == "null")
            #expect(try await api.call(.delete, "/v1/users/dave", dave).status == 401)
            let selfDelete = try await api.call(.delete, "/v1/users/admin", admin)
            #expect(selfDelete.status == 403)
            #expect(try await api.call(.delete, "/v1/users?name=dave&name=ghost", admin).status == 200)
            #expect(try await server.store.user(named: "dave") == nil)
        }
    }
}
