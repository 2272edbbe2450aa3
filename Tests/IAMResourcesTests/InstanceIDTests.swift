import IAMResources
import Testing

@Suite struct InstanceIDTests {
    /// The vectors of the reference (§1.9), computed with Python hashids 1.3.1 and reversed.
    @Test(arguments: [
        (UInt64(1), "v3z4nq"), (2, "qnxp31"), (3, "230vjv"), (10, "p38ojy"), (38, "jley3w"), (47, "j8wm30"),
        (100, "399gjl"), (123_456_789, "97rzdl2"), (1_099_511_627_776, "5y1z9loz1d"),
    ])
    func matchesHashidsVectors(id: UInt64, expected: String) {
        #expect(InstanceID.make(prefix: "user-", id: id) == "user-" + expected)
    }

    @Test func secretIDsAndKeysHaveTheReferenceLengthsAndAlphabet() {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890")
        let ids = (0..<200).map { _ in RandomToken.secretID() }
        #expect(ids.allSatisfy { $0.count == 36 && $0.allSatisfy(allowed.contains) })
        #expect(Set(ids).count == ids.count)
        #expect(RandomToken.secretKey().count == 32)
    }
}
