import IAMResources
import Testing

@Suite struct IAMErrorCodeTests {
    /// Codes are unique, travel with the statuses marmotedu/iam allows (plus ours: 413, 410, and 503 while authz has no snapshot) and render as the
    /// reference's `{"code","message"}`.
    @Test func registeredCodesAreUniqueAndWellFormed() {
        let codes = IAMErrorCode.all.map(\.code)
        #expect(Set(codes).count == codes.count)
        #expect(IAMErrorCode.all.allSatisfy { [200, 400, 401, 403, 404, 410, 413, 500, 503].contains($0.httpStatus) })
        #expect(IAMErrorCode.userNotFound.bodyJSON == #"{"code":110001,"message":"User not found"}"#)
        #expect(IAMErrorCode.missingHeader.bodyJSON == #"{"code":100205,"message":"The `Authorization` header was empty"}"#)
        // The reference's numbering: 1001xx generic/database, 1002xx auth, 1100xx users, 1101xx secrets, 1102xx policies.
        #expect(IAMErrorCode.secretAlreadyExist.code / 100 == IAMErrorCode.secretNotFound.code / 100)
        #expect(IAMErrorCode.policyAlreadyExist.code / 100 == IAMErrorCode.policyNotFound.code / 100)
    }
}
