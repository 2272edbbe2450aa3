import Foundation
import PolicyEngine
import Testing

@Suite struct DecodingTests {
    private func decode(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func decodesTheReferenceExample() throws {
        let json = try decode("""
            {"id":"policy0","description":"One policy to rule them all.","subjects":["users:<peter|ken>","users:maria","groups:admins"],
             "actions":["delete","<create|update>"],"effect":"allow","resources":["resources:articles:<.*>","resources:printer"],
             "conditions":{"remoteIPAddress":{"type":"CIDRCondition","options":{"cidr":"192.168.0.1/16"}}},"meta":"aGVsbG8="}
            """)
        let policy = try Policy(json: json)
        #expect(policy.id == "policy0")
        #expect(policy.subjects.count == 3)
        #expect(policy.conditions["remoteIPAddress"]?.type == .cidr)
        #expect(policy.meta == "aGVsbG8=")
        #expect(policy.allows)
    }

    @Test func unknownConditionTypeNamesPolicyTypeAndPath() throws {
        let json = try decode(#"{"id":"p7","conditions":{"owner":{"type":"NoSuchCondition"}}}"#)
        do {
            _ = try Policy(json: json, at: JSONPath.root.appending(3))
            Issue.record("expected an error")
        } catch {
            #expect(error.path.description == "$[3].conditions.owner.type")
            #expect(error.message.contains("policy \"p7\""))
            #expect(error.message.contains("unknown condition type \"NoSuchCondition\""))
        }
    }

    @Test(arguments: [
        (#"{"id":"p","conditions":{"k":{"type":"StringEqualCondition","options":{"equals":5}}}}"#, "$.conditions.k.options.equals"),
        (#"{"id":"p","conditions":{"k":{"type":"BooleanCondition","options":{"value":"yes"}}}}"#, "$.conditions.k.options.value"),
        (#"{"id":"p","conditions":{"k":{"type":"CIDRCondition","options":[]}}}"#, "$.conditions.k.options"),
        (#"{"id":"p","subjects":"users:a"}"#, "$.subjects"),
        (#"{"id":"p","subjects":["users:a",3]}"#, "$.subjects[1]"),
        (#"{"id":"p","effect":true}"#, "$.effect"),
        (#"{"id":"p","meta":"not base64!"}"#, "$.meta"),
        (#"{"id":"p","conditions":[]}"#, "$.conditions"),
        (#"["not","an","object"]"#, "$"),
    ])
    func wrongShapesAreRejectedWithTheirPath(text: String, path: String) throws {
        let json = try decode(text)
        #expect(throws: JSONShapeError.self) { try Policy(json: json) }
        do { _ = try Policy(json: json) } catch { #expect(error.path.description == path) }
    }

    @Test func goStyleLenientFields() throws {
        // null lists, missing options and case-insensitive option names decode as Go does.
        let json = try decode(#"{"id":"p","subjects":null,"conditions":{"k":{"type":"StringEqualCondition","options":{"Equals":"x"}}}}"#)
        let policy = try Policy(json: json)
        #expect(policy.subjects.isEmpty)
        #expect(policy.conditions["k"]?.options.member("equals") == .string("x"))
    }

    @Test func requestsDecode() throws {
        let request = try AccessRequest(json: decode(#"{"subject":"s","action":"a","resource":"r","context":{"ip":"1.2.3.4"}}"#))
        #expect(request.context["ip"] == .string("1.2.3.4"))
        #expect(throws: JSONShapeError.self) { try AccessRequest(json: decode(#"{"subject":"s","context":"x"}"#)) }
    }
}

@Suite struct EncodingTests {
    @Test func policiesEncodeInLadonFieldOrder() {
        let policy = Policy(
            id: "p1", description: "d", subjects: ["users:<peter|ken>"], effect: "allow", resources: ["r:\"q\""],
            actions: ["get"],
            conditions: [
                "z": Condition(type: .boolean, options: ["value": true]),
                "a": Condition(type: .equalsSubject, options: ["ignored": "x"]),
                "m": Condition(type: .stringEqual),
            ],
            meta: "aGk=")
        #expect(policy.jsonText == #"""
            {"id":"p1","description":"d","subjects":["users:<peter|ken>"],"effect":"allow","resources":["r:\"q\""],"actions":["get"],"conditions":{"a":{"type":"EqualsSubjectCondition","options":{}},"m":{"type":"StringEqualCondition","options":{"equals":""}},"z":{"type":"BooleanCondition","options":{"value":true}}},"meta":"aGk="}
            """#)
    }

    @Test func everyFixturePolicyRoundTrips() throws {
        for policy in try Fixtures.policies(1000) {
            let again = try Policy(json: JSONValue.parse(policy.jsonText))
            #expect(again == policy)
            #expect(again.jsonText == policy.jsonText)
        }
    }
}
