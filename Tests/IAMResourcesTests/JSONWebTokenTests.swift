import Crypto
import IAMTokens
import PolicyEngine
import Testing

@Suite struct JSONWebTokenTests {
    let key = SymmetricKey(data: Array("dfVpOK8LZeJLZHYmHdb1VdyRrACKpqoo".utf8))

    /// A token made by golang-jwt (jwt.io's HS256 example, key "your-256-bit-secret").
    @Test func verifiesATokenSignedElsewhere() throws {
        let text = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        let token = try JSONWebToken(parsing: text)
        try token.verifySignature(key: SymmetricKey(data: Array("your-256-bit-secret".utf8)))
        #expect(token.stringClaim("name") == "John Doe")
        #expect(throws: JWTError.self) { try token.verifySignature(key: key) }
    }

    @Test(arguments: JWTAlgorithm.allCases)
    func signsAndVerifiesEachAlgorithm(_ algorithm: JWTAlgorithm) throws {
        let text = JSONWebToken.sign(claims: [("sub", "colin"), ("exp", .number(2_000_000_000))], extraHeader: [("kid", "ID")],
                                     algorithm: algorithm, key: key)
        let token = try JSONWebToken(parsing: text)
        try token.verifySignature(key: key)
        try token.validateTimes(now: 1_900_000_000)
        #expect(token.keyID == "ID")
        #expect(token.algorithm == algorithm)
        #expect(throws: JWTError(.expired, "token is expired")) { try token.validateTimes(now: 2_000_000_000) }
    }

    @Test func refusesNoneTamperingAndGarbage() throws {
        let text = JSONWebToken.sign(claims: [("sub", "colin")], key: key)
        let parts = text.split(separator: ".")
        let none = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + "."
        let unsigned = try JSONWebToken(parsing: none)
        #expect(throws: JWTError(.unsupportedAlgorithm, "invalid signing algorithm")) { try unsigned.verifySignature(key: key) }
        let tampered = parts[0] + "." + Base64URL.encode(Array(#"{"sub":"admin"}"#.utf8)) + "." + parts[2]
        #expect(throws: JWTError(.badSignature, "signature is invalid")) { try JSONWebToken(parsing: tampered).verifySignature(key: key) }
        let hs384Only = try JSONWebToken(parsing: text)
        #expect(throws: JWTError.self) { try hs384Only.verifySignature(key: key, accepting: [.hs384]) }
        for garbage in ["", "a.b", "a.b.c.d", "!!.e30.", "e30.!!.", "bm90IGpzb24.e30.", "e30.e30.*"] {
            #expect(throws: JWTError.self, "\(garbage)") { try JSONWebToken(parsing: garbage) }
        }
    }

    @Test func checksTimeClaimsOnlyWhenPresentAndNumeric() throws {
        try JSONWebToken(parsing: JSONWebToken.sign(claims: [("sub", "x")], key: key)).validateTimes(now: 5)
        let future = try JSONWebToken(parsing: JSONWebToken.sign(claims: [("nbf", .number(100))], key: key))
        #expect(throws: JWTError.self) { try future.validateTimes(now: 99) }
        try future.validateTimes(now: 100)
        let issuedLater = try JSONWebToken(parsing: JSONWebToken.sign(claims: [("iat", .number(100))], key: key))
        #expect(throws: JWTError.self) { try issuedLater.validateTimes(now: 50) }
        let wrongType = try JSONWebToken(parsing: JSONWebToken.sign(claims: [("exp", "soon")], key: key))
        #expect(throws: JWTError.self) { try wrongType.validateTimes(now: 50) }
    }

    @Test func base64URLRoundTripsEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base64URL.decode(Substring(Base64URL.encode(bytes))) == bytes)
        }
        #expect(Base64URL.decode("e30=") == Array("{}".utf8))
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("a+b/") == nil)
    }
}
