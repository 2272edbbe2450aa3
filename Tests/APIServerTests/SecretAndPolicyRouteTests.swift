import APIServer
import HTTPTypes
import IAMStore
import PolicyEngine
import SQLKit
import Testing

@Suite struct SecretAndPolicyRouteTests {
    @Test(arguments: TestEngine.available)
    func secretsAreScopedLimitedAndUniquePerUser(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine) { api, _ in
            try await api.register("erin")
            let erin = try await api.login("erin", "Secret@2024")
            let admin = try await api.login("admin", TestServers.adminPassword)
            let first = try await api.call(.post, "/v1/secrets", erin, body: #"{"metadata":{"name":"s0"},"expires":0,"description":"ci","secretID":"mine"}"#)
            #expect(first.status == 200, "\(first.text)")
            #expect(first.string("secretID")?.count == 36 && first.string("secretKey")?.count == 32)
            #expect(first.string("username") == "erin" && first.string("metadata", "instanceID")?.hasPrefix("secret-") == true)
            let duplicate = try await api.call(.post, "/v1/secrets", erin, body: #"{"metadata":{"name":"s0"}}"#)
            #expect(duplicate.status == 400 && duplicate.code == 110103)
            #expect(try await api.call(.post, "/v1/secrets", admin, body: #"{"metadata":{"name":"s0"}}"#).status == 200,
                    "names are unique per user, not globally")
            for index in 1..<10 {
                #expect(try await api.call(.post, "/v1/secrets", erin, body: #"{"metadata":{"name":"s\#(index)"}}"#).status == 200)
            }
            let eleventh = try await api.call(.post, "/v1/secrets", erin, body: #"{"metadata":{"name":"s10"}}"#)
            #expect(eleventh.status == 400 && eleventh.code == 110101)

            let list = try await api.call(.get, "/v1/secrets?limit=3", erin)
            #expect(list.number("totalCount") == 10 && list.names == ["s9", "s8", "s7"])
            #expect(try await api.call(.get, "/v1/secrets", admin).names == ["s0"], "admins see only their own secrets")
            #expect(try await api.call(.get, "/v1/secrets/s3", admin).code == 110102)

            let updated = try await api.call(.put, "/v1/secrets/s3", erin, body: #"{"description":"rotated","expires":4102444800}"#)
            #expect(updated.string("description") == "rotated" && updated.number("expires") == 4_102_444_800)
            let missing = try await api.call(.put, "/v1/secrets/nope", erin, body: #"{"description":"x"}"#)
            #expect(missing.status == 404 && missing.code == 110102, "marmotedu/iam answered 500 here")
            let long = try await api.call(.post, "/v1/secrets", admin, body: #"{"metadata":{"name":"d"},"description":"\#(String(repeating: "x", count: 256))"}"#)
            #expect(long.status == 400 && long.code == 100004)
            #expect(try await api.call(.delete, "/v1/secrets/s3", erin).text == "null")
            #expect(try await api.call(.delete, "/v1/secrets/s3", erin).text == "null")
            #expect(try await api.call(.get, "/v1/secrets/s3", erin).code == 110102)
            #expect(try await api.call(.delete, "/v1/secrets?name=s1", erin).code == 100006, "no collection delete for secrets")
        }
    }

    @Test(arguments: TestEngine.available)
    func policiesRoundTripAndDeletionsAreAudited(_ engine: TestEngine) async throws {
        try await TestServers.withServer(engine) { api, server in
            try await api.register("frank")
            let frank = try await api.login("frank", "Secret@2024")
            let document = #"{"description":"One policy to rule them all.","subjects":["users:<peter|ken>","users:maria","groups:admins"],"actions":["delete","<create|update>"],"effect":"allow","resources":["resources:articles:<.*>","resources:printer"],"conditions":{"remoteIPAddress":{"type":"CIDRCondition","options":{"cidr":"192.168.0.1/16"}}}}"#
            let created = try await api.call(.post, "/v1/policies", frank, body: #"{"metadata":{"name":"policy0","extend":{"team":"a"}},"policy":\#(document)}"#)
            #expect(created.status == 200, "\(created.text)")
            #expect(created.text.contains(#""policy":{"id":"policy0","description":"One policy to rule them all.","subjects":["users:<peter|ken>""#))
            #expect(created.string("metadata", "instanceID") == "policy-v3z4nq")
            let fetched = try await api.call(.get, "/v1/policies/policy0", frank)
            #expect(fetched.json.member("policy") == created.json.member("policy"))
            #expect(fetched.json.member("metadata")?.member("extend") == .object(["team": "a"]))
            #expect(try await api.call(.post, "/v1/policies", frank, body: #"{"metadata":{"name":"policy0"},"policy":{}}"#).code == 110202)

            let unknownCondition = try await api.call(.post, "/v1/policies", frank,
                body: #"{"metadata":{"name":"p1"},"policy":{"conditions":{"ip":{"type":"GeoCondition"}}}}"#)
            #expect(unknownCondition.status == 400 && unknownCondition.code == 100003)
            #expect(unknownCondition.string("details")?.contains("GeoCondition") == true)
            let badName = try await api.call(.post, "/v1/policies", frank, body: #"{"metadata":{"name":"-bad-"},"policy":{}}"#)
            #expect(badName.status == 400 && badName.code == 100004)

            let replaced = try await api.call(.put, "/v1/policies/policy0", frank, body: #"{"policy":{"effect":"deny","subjects":["users:maria"],"actions":["get"],"resources":["r"]}}"#)
            #expect(replaced.status == 200 && replaced.text.contains(#""effect":"deny""#) && replaced.text.contains(#""id":"policy0""#))
            #expect(try await api.call(.put, "/v1/policies/none", frank, body: #"{"policy":{}}"#).code == 110201)
            #expect(try await api.call(.get, "/v1/policies/none", frank).code == 110201)

            for name in ["a", "b"] {
                #expect(try await api.call(.post, "/v1/policies", frank, body: #"{"metadata":{"name":"\#(name)"},"policy":{"effect":"allow"}}"#).status == 200)
            }
            #expect(try await api.call(.get, "/v1/policies?fieldSelector=name%3Da", frank).names == ["a"])
            #expect(try await api.call(.delete, "/v1/policies?name=a&name=b&name=zz", frank).text == "null")
            #expect(try await api.call(.delete, "/v1/policies/policy0", frank).text == "null")
            #expect(try await api.call(.get, "/v1/policies", frank).text == #"{"items":[]}"#)
            let audited = try await (server.store as! SQLStore).backend.read { database in
                try await database.raw(#"SELECT "name", "policyShadow" FROM "policy_audit" WHERE "username" = 'frank' ORDER BY "id""#).all()
            }
            #expect(try audited.map { try $0.decode(column: "name", as: String.self) } == ["policy0", "a", "b"])
            #expect(try audited[0].decode(column: "policyShadow", as: String.self).contains(#""effect":"deny""#))
        }
    }
}
