@testable import AuthzServer
import Crypto
import IAMResources
import IAMTokens
import PolicyEngine
import Testing

/// §2.2–2.5 of the reference: authentication by secret-signed JWT, the decision, the audit record.
@Suite struct AuthzDeciderTests {
    static let now: Int64 = 1_800_000_000
    static let secretKey = "dfVpOK8LZeJLZHYmHdb1VdyRrACKpqoo"

    static func snapshot(expires: Int64 = 0, detailed: Bool = false) throws -> AuthzSnapshot {
        let allow = try Policy(json: JSONValue.parse(
            #"{"id":"allow-articles","subjects":["users:<.*>"],"actions":["<get|delete>"],"effect":"allow","resources":["resources:articles:<.*>"],"conditions":{"remoteIPAddress":{"type":"CIDRCondition","options":{"cidr":"192.168.0.0/16"}}}}"#))
        let deny = try Policy(json: JSONValue.parse(
            #"{"id":"deny-secret","subjects":["users:<.*>"],"actions":["delete"],"effect":"deny","resources":["resources:articles:secret"]}"#))
        let owner = try Policy(json: JSONValue.parse(
            #"{"id":"owner-only","subjects":["<.*>"],"actions":["read"],"effect":"allow","resources":["notes"],"conditions":{"username":{"type":"StringEqualCondition","options":{"equals":"colin"}}}}"#))
        return AuthzSnapshot(
            revision: 7,
            secrets: [SecretEntry(secretID: "SID-colin", username: "colin", secretKey: secretKey, expires: expires, name: "app"),
                      SecretEntry(secretID: "SID-nopolicy", username: "ghost", secretKey: secretKey, expires: 0)],
            policies: [("colin", allow), ("colin", deny), ("colin", owner)], detailedRecording: detailed)
    }

    static func token(kid: String? = "SID-colin", key: String = secretKey, algorithm: JWTAlgorithm = .hs256,
                      claims: [(String, JSONValue)] = [("exp", .number(Double(now + 60))), ("iat", .number(Double(now))),
                                                        ("nbf", .number(Double(now))), ("aud", "iam.authz.marmotedu.com")]) -> String {
        JSONWebToken.sign(claims: claims, extraHeader: kid.map { [("kid", .string($0))] } ?? [], algorithm: algorithm,
                          key: SymmetricKey(data: Array(key.utf8)))
    }

    func decide(_ body: String, authorization: String? = "Bearer " + token(), snapshot: AuthzSnapshot? = nil,
                detailed: Bool = false) throws -> AuthzOutcome {
        AuthzDecider(detailedRecording: detailed).decide(
            authorization: authorization, body: Array(body.utf8), snapshot: try snapshot ?? Self.snapshot(detailed: detailed), now: Self.now,
            recordID: { "rec-1" })
    }

    static let article = #"{"subject":"users:maria","action":"delete","resource":"resources:articles:ladon-introduction","context":{"remoteIPAddress":"192.168.0.5"}}"#

    @Test(arguments: JWTAlgorithm.allCases)
    func allowsWithEachHMACAlgorithmAndRecordsTheDecision(_ algorithm: JWTAlgorithm) throws {
        let outcome = try decide(Self.article, authorization: "Bearer " + Self.token(algorithm: algorithm), detailed: true)
        #expect(outcome.status == 200)
        #expect(outcome.body == #"{"allowed":true}"#)
        let record = try #require(outcome.audit)
        #expect(record.id == "rec-1" && record.timestamp == Self.now && record.username == "colin" && record.effect == "allow")
        #expect(record.conclusion == "policies allow-articles allow access")
        #expect(record.request == #"{"resource":"resources:articles:ladon-introduction","action":"delete","subject":"users:maria","context":{"remoteIPAddress":"192.168.0.5","username":"colin"}}"#)
        #expect(record.deciders.hasPrefix(#"[{"id":"allow-articles""#))
        #expect(record.policies.contains(#""id":"deny-secret""#) && record.policies.contains(#""id":"owner-only""#))
        #expect(record.expireAt.hasPrefix("2126-"), "a hundred years on: \(record.expireAt)")
        #expect(record.json.hasPrefix(#"{"timestamp":1800000000,"username":"colin","effect":"allow","conclusion":"#))
        #expect(AuditRecord(id: record.id, json: record.json) == record, "the pump reads back what authz wrote")
        #expect(outcome.auditLine == AuditLine(record), "the line written on the decision path is the record's own rendering")
    }

    /// Texts that need escaping (quotes, backslashes, control characters, non-ASCII) in the policy, the request and
    /// its context come out of the line exactly as the record's own rendering writes them, and read back unchanged.
    @Test func theRecordLineEscapesLikeTheRecordItself() throws {
        let policy = try Policy(json: JSONValue.parse(
            #"{"id":"q\"uote","description":"tab\there \\ back\nslash \u0001 é ✓","subjects":["<.*>"],"actions":["read"],"effect":"allow","resources":["notes:<.*>"]}"#))
        let snapshot = AuthzSnapshot(revision: 1, secrets: [SecretEntry(secretID: "SID-colin", username: "colin", secretKey: Self.secretKey,
                                                                         expires: 0, name: "app")],
                                     policies: [("colin", policy)], detailedRecording: true)
        let outcome = try decide(#"{"subject":"a\"b","action":"read","resource":"notes:\\x\t","context":{"k\"":"v\u0002é"}}"#,
                                 snapshot: snapshot, detailed: true)
        #expect(outcome.body == #"{"allowed":true}"#)
        let record = try #require(outcome.audit)
        #expect(outcome.auditLine == AuditLine(record))
        #expect(record.deciders == "[" + policy.jsonText + "]" && record.policies == "[" + policy.jsonText + "]")
        #expect(record.request == #"{"resource":"notes:\\x\t","action":"read","subject":"a\"b","context":{"k\"":"v\u0002é","username":"colin"}}"#)
    }

    @Test func deniesByDefaultAndForcefully() throws {
        let none = try decide(#"{"subject":"users:maria","action":"delete","resource":"resources:articles:x","context":{"remoteIPAddress":"10.0.0.1"}}"#)
        #expect(none.body == #"{"allowed":false,"denied":true,"reason":"Request was denied by default"}"#)
        #expect(none.audit?.effect == "deny" && none.audit?.conclusion == "no policy allowed access")
        #expect(none.audit?.policies == "", "without detailed recording the candidate policies are left out")
        let forced = try decide(#"{"subject":"users:maria","action":"delete","resource":"resources:articles:secret","context":{"remoteIPAddress":"192.168.1.1"}}"#)
        #expect(forced.body == #"{"allowed":false,"denied":true,"reason":"Request was forcefully denied"}"#)
        #expect(forced.audit?.conclusion == "policies allow-articles allow access, but policy deny-secret forcefully denied it")
    }

    @Test func contextUsernameIsAlwaysTheSecretOwner() throws {
        let spoofed = try decide(#"{"subject":"x","action":"read","resource":"notes","context":{"username":"someone-else"}}"#)
        #expect(spoofed.body == #"{"allowed":true}"#, "the owner-only policy sees colin, not the claimed name")
        let nullContext = try decide(#"{"subject":"x","action":"read","resource":"notes","context":null}"#)
        #expect(nullContext.body == #"{"allowed":true}"#)
    }

    @Test func anOwnerWithoutPoliciesGetsListPoliciesFailedAndNoRecord() throws {
        let outcome = try decide(Self.article, authorization: "Bearer " + Self.token(kid: "SID-nopolicy"))
        #expect(outcome.body == #"{"allowed":false,"denied":true,"reason":"list policies failed"}"#)
        #expect(outcome.audit == nil)
    }

    @Test func authenticationFailuresGetTheDocumentedCodes() throws {
        let valid = Self.token()
        let parts = valid.split(separator: ".")
        let none = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT","kid":"SID-colin"}"#.utf8)) + "." + parts[1] + "."
        let cases: [(String?, Int, Int)] = [
            (nil, 401, 100205), ("", 401, 100205),
            ("Basic Y29saW46eA==", 401, 100202),  // other schemes leave the token empty
            ("Bearer", 401, 100202), ("Bearer not.a.jwt", 401, 100202), ("Bearer " + none, 401, 100202),
            ("Bearer " + Self.token(kid: nil), 401, 100202), ("Bearer " + Self.token(kid: "SID-unknown"), 401, 100202),
            ("Bearer " + Self.token(key: "another-key-another-key-another-k"), 401, 100202),
            ("Bearer " + Self.token(claims: [("exp", .number(Double(Self.now - 1)))]), 401, 100202),
            ("Bearer " + Self.token(claims: [("nbf", .number(Double(Self.now + 60)))]), 401, 100202),
            ("Bearer " + Self.token(claims: [("exp", "tomorrow")]), 401, 100202),
            ("Bearer " + valid + " trailing words", 200, 0),  // Sscanf takes the first word
            ("Bearer " + Self.token(claims: []), 200, 0),  // no registered claims is fine (none are required)
        ]
        for (header, status, code) in cases {
            let outcome = try decide(Self.article, authorization: header)
            #expect(outcome.status == status, "\(header ?? "nil")")
            if code != 0 {
                #expect(outcome.body.hasPrefix("{\"code\":\(code),"), "\(header ?? "nil"): \(outcome.body)")
                #expect(outcome.audit == nil)
                #expect(!outcome.body.contains(Self.secretKey), "nothing reveals the key")
            }
        }
    }

    @Test func anExpiredSecretIsRefusedWith100203() throws {
        let outcome = try decide(Self.article, snapshot: try Self.snapshot(expires: Self.now - 1))
        #expect(outcome.status == 401)
        #expect(outcome.body.hasPrefix(#"{"code":100203,"message":"Token expired""#))
        let notYet = try decide(Self.article, snapshot: try Self.snapshot(expires: Self.now + 1))
        #expect(notYet.status == 200)
    }

    @Test func malformedBodiesAreBindErrors() throws {
        for body in ["", "{", "[]", "null", #"{"subject":1}"#, #"{"context":"text"}"#, #"{"context":[1]}"#, "\u{0}"] {
            let outcome = try decide(body)
            #expect(outcome.status == 400, "\(body)")
            #expect(outcome.body.hasPrefix(#"{"code":100003,"#), "\(body): \(outcome.body)")
        }
    }

    @Test func aNewOwnerStateReplacesOnlyThatOwner() throws {
        let snapshot = try Self.snapshot()
        let replaced = snapshot.replacingOwner("colin", secrets: [], policies: [], revision: 9)
        #expect(replaced.revision == 9)
        #expect(replaced.secrets["SID-colin"] == nil && replaced.owners["colin"] == nil)
        #expect(replaced.secrets["SID-nopolicy"] != nil, "other owners keep their secrets")
        #expect(snapshot.secrets["SID-colin"] != nil, "the old snapshot is unchanged (readers in flight keep theirs)")
        let holder = SnapshotHolder()
        #expect(holder.snapshot == nil)
        holder.replace(snapshot)
        holder.replace(replaced)
        #expect(holder.snapshot?.revision == 9)
    }

    @Test func changedObjectsApplyInPlaceNewestFirstAndRemoveByName() throws {
        let snapshot = try Self.snapshot()
        #expect(snapshot.owners["colin"]?.set.policies.map(\.id) == ["allow-articles", "deny-secret", "owner-only"])
        let added = try Policy(json: JSONValue.parse(#"{"id":"new","subjects":["<.*>"],"actions":["x"],"effect":"allow","resources":["y"]}"#))
        var edited = snapshot.owners["colin"]!.set.policies[1]
        edited.effect = "allow"
        let next = snapshot.applying([
            .policy(owner: "colin", name: "new", added),
            .policy(owner: "colin", name: "deny-secret", edited),
            .policy(owner: "colin", name: "owner-only", nil),
            .secret(owner: "colin", name: "app", nil),
            .secret(owner: "colin", name: "ci", SecretEntry(secretID: "SID-ci", username: "colin", secretKey: "k", expires: 0, name: "ci")),
            .policy(owner: "ken", name: "only", { var only = added; only.id = "only"; return only }()),
        ], revision: 8)
        #expect(next.revision == 8)
        #expect(next.owners["colin"]?.set.policies.map(\.id) == ["new", "allow-articles", "deny-secret"])
        #expect(next.owners["colin"]?.set.policies[2].effect == "allow")
        // The deciders' JSON follows the edit; an unchanged policy keeps the text rendered before.
        let texts = next.owners["colin"]!.escapedPolicyJSONByID
        let before = snapshot.owners["colin"]!.escapedPolicyJSONByID
        #expect(texts["deny-secret"] == OwnerPolicies.escapedText(edited) && texts["deny-secret"] != before["deny-secret"])
        #expect(texts["allow-articles"] == before["allow-articles"])
        #expect(texts["new"] == OwnerPolicies.escapedText(added) && texts["owner-only"] == nil)
        #expect(next.secrets["SID-colin"] == nil && next.secrets["SID-ci"]?.name == "ci" && next.secrets["SID-nopolicy"] != nil)
        #expect(next.owners["ken"]?.set.count == 1)
        let emptied = next.applying([.policy(owner: "ken", name: "only", nil)], revision: 9)
        #expect(emptied.owners["ken"] == nil, "an owner without policies has no entry: list policies failed")
    }

    /// Texts carried over from change to change (the dictionary copied, dropped and changed policies replaced) equal
    /// the texts of the same policies rendered afresh, with the detailed `policies` list in set order.
    @Test func carriedOverTextsEqualFreshOnesAfterManyChanges() throws {
        func policy(_ id: String, _ resource: String) throws -> Policy {
            try Policy(json: JSONValue.parse(#"{"id":"\#(id)","subjects":["<.*>"],"actions":["read"],"effect":"allow","resources":["\#(resource)"]}"#))
        }
        var snapshot = AuthzSnapshot(revision: 1, secrets: [], policies: try (0..<40).map { ("colin", try policy("p\($0)", "r\($0)")) },
                                     detailedRecording: true)
        for step in 0..<30 {
            let change: AuthzSnapshot.ObjectChange = switch step % 3 {
            case 0: .policy(owner: "colin", name: "added\(step)", try policy("added\(step)", "new\(step)"))
            case 1: .policy(owner: "colin", name: "p\(step)", try policy("p\(step)", "edited\(step)"))
            default: .policy(owner: "colin", name: "p\(step)", nil)
            }
            snapshot = snapshot.applying([change], revision: Int64(step + 2), detailedRecording: true)
            let owner = snapshot.owners["colin"]!
            let fresh = OwnerPolicies(owner.set.policies, detailedRecording: true)
            #expect(owner.escapedPolicyJSONByID == fresh.escapedPolicyJSONByID, "after step \(step)")
            #expect(owner.escapedPoliciesJSON == fresh.escapedPoliciesJSON, "after step \(step)")
        }
    }
}
