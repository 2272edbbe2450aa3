@testable import AuthzServer
import IAMTokens
import NIOCore
import PolicyEngine
import Testing

/// A repeated token skips parsing and HMAC, but never skips the clock, the secret's expiry or a new snapshot.
@Suite struct VerifiedTokenCacheTests {
    typealias Fixture = AuthzDeciderTests

    func decide(_ token: String, snapshot: AuthzSnapshot, at now: Int64, cache: VerifiedTokenCache) -> AuthzOutcome {
        Array(Fixture.article.utf8).withUnsafeBufferPointer { body in
            AuthzDecider().decide(authorization: ByteBuffer(string: "Bearer " + token), body: body, snapshot: snapshot, now: now, tokens: cache,
                                  recordID: { "rec" })
        }
    }

    @Test func aRepeatedTokenIsAnsweredFromTheCacheButTheClockStillCounts() throws {
        let cache = VerifiedTokenCache(capacity: 16)
        let snapshot = try Fixture.snapshot()
        let token = Fixture.token()  // exp = now + 60
        #expect(decide(token, snapshot: snapshot, at: Fixture.now, cache: cache).body == #"{"allowed":true}"#)
        #expect(cache.count == 1 && cache.hits == 0)
        #expect(decide(token, snapshot: snapshot, at: Fixture.now + 1, cache: cache).body == #"{"allowed":true}"#)
        #expect(cache.hits == 1)
        let late = decide(token, snapshot: snapshot, at: Fixture.now + 60, cache: cache)
        #expect(cache.hits == 2)
        #expect(late.status == 401 && late.body.contains("token is expired"), "\(late.body)")
    }

    @Test func theSecretsExpiryIsCheckedOnEveryHit() throws {
        let cache = VerifiedTokenCache(capacity: 16)
        let snapshot = try Fixture.snapshot(expires: Fixture.now + 5)
        let token = Fixture.token()
        #expect(decide(token, snapshot: snapshot, at: Fixture.now, cache: cache).status == 200)
        let expired = decide(token, snapshot: snapshot, at: Fixture.now + 6, cache: cache)
        #expect(cache.hits == 1)
        #expect(expired.status == 401 && expired.body.contains("100203"), "\(expired.body)")
    }

    @Test func aNewSnapshotRevisionVerifiesAgain() throws {
        let cache = VerifiedTokenCache(capacity: 16)
        let token = Fixture.token()
        #expect(decide(token, snapshot: try Fixture.snapshot(), at: Fixture.now, cache: cache).status == 200)
        // The secret's key changed in a later revision: the cached verification does not carry over.
        let rotated = AuthzSnapshot(revision: 8,
                                    secrets: ["SID-colin": SecretEntry(secretID: "SID-colin", username: "colin", secretKey: "another-key", expires: 0)],
                                    owners: try Fixture.snapshot().owners)
        let outcome = decide(token, snapshot: rotated, at: Fixture.now, cache: cache)
        #expect(cache.hits == 0)
        #expect(outcome.status == 401 && outcome.body.contains("signature is invalid"), "\(outcome.body)")
    }

    @Test func aTamperedSignatureIsNeverAHit() throws {
        let cache = VerifiedTokenCache(capacity: 16)
        let snapshot = try Fixture.snapshot()
        let token = Fixture.token()
        #expect(decide(token, snapshot: snapshot, at: Fixture.now, cache: cache).status == 200)
        // Same header and claims, another signature (its first character changed).
        let dot = try #require(token.lastIndex(of: "."))
        let first = token[token.index(after: dot)]
        let tampered = String(token[...dot]) + (first == "A" ? "B" : "A") + token[token.index(dot, offsetBy: 2)...]
        let outcome = decide(tampered, snapshot: snapshot, at: Fixture.now, cache: cache)
        #expect(cache.hits == 0)
        #expect(outcome.status == 401, "\(outcome.body)")
    }

    @Test func theCacheStaysWithinItsCapacity() throws {
        let cache = VerifiedTokenCache(capacity: 2)
        let snapshot = try Fixture.snapshot()
        for second in 0..<5 {
            let token = Fixture.token(claims: [("iat", .number(Double(Fixture.now - Int64(second))))])
            #expect(decide(token, snapshot: snapshot, at: Fixture.now, cache: cache).status == 200)
            #expect(cache.count <= 2)
        }
        #expect(VerifiedTokenCache(capacity: 0).count == 0)
    }
}
