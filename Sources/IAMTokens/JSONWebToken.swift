public import Crypto
public import PolicyEngine

/// A compact JWT split and decoded, not yet trusted: check ``verifySignature(key:accepting:)`` and
/// ``validateTimes(now:)`` before believing its claims.
///
/// ```swift
/// let token = try JSONWebToken(parsing: text)
/// try token.verifySignature(key: SymmetricKey(data: Array(secretKey.utf8)))
/// try token.validateTimes(now: Int64(Date().timeIntervalSince1970))
/// let user = token.claims.member("identity")
/// ```
public struct JSONWebToken: Sendable {
    /// The decoded header object.
    public let header: [String: JSONValue]
    /// The decoded claims object.
    public let claims: [String: JSONValue]
    /// `header.alg` when it names an accepted algorithm.
    public let algorithm: JWTAlgorithm?
    private let signingInput: [UInt8]
    private let signature: [UInt8]

    /// Splits and decodes `text`. Throws `.malformed` unless it is three base64url segments whose first two are
    /// JSON objects.
    public init(parsing text: some StringProtocol) throws(JWTError) {
        // Split on the UTF-8 bytes: tokens are ASCII, and Character-level splitting costs more than the HMAC.
        let string = String(text)
        let utf8 = string.utf8
        guard let firstDot = utf8.firstIndex(of: UInt8(ascii: ".")),
              let secondDot = utf8[utf8.index(after: firstDot)...].firstIndex(of: UInt8(ascii: ".")),
              !utf8[utf8.index(after: secondDot)...].contains(UInt8(ascii: "."))
        else {
            throw JWTError(.malformed, "token contains an invalid number of segments")
        }
        header = try Self.object(string[..<firstDot], segment: "header")
        claims = try Self.object(string[string.index(after: firstDot)..<secondDot], segment: "claims")
        guard let signature = Base64URL.decode(string[string.index(after: secondDot)...]) else {
            throw JWTError(.malformed, "signature is not base64url")
        }
        self.signature = signature
        signingInput = Array(utf8[..<secondDot])
        if case .string(let name) = header["alg"] { algorithm = JWTAlgorithm(rawValue: name) } else { algorithm = nil }
    }

    private static func object(_ segment: Substring, segment name: String) throws(JWTError) -> [String: JSONValue] {
        guard let bytes = Base64URL.decode(segment) else { throw JWTError(.malformed, "\(name) is not base64url") }
        guard case .object(let members)? = try? JSONValue.parse(bytes) else {
            throw JWTError(.malformed, "\(name) is not a JSON object")
        }
        return members
    }

    /// The `kid` header, when it is a string.
    public var keyID: String? {
        if case .string(let id) = header["kid"] { return id }
        return nil
    }

    /// Checks the signature against `key`. Throws `.unsupportedAlgorithm` when `alg` is not one of `accepting`
    /// (so `none` is always refused) and `.badSignature` when the MAC differs.
    public func verifySignature(key: SymmetricKey, accepting: Set<JWTAlgorithm> = Set(JWTAlgorithm.allCases))
        throws(JWTError)
    {
        guard let algorithm, accepting.contains(algorithm) else {
            throw JWTError(.unsupportedAlgorithm, "invalid signing algorithm")
        }
        guard algorithm.isValid(code: signature, for: signingInput, key: key) else {
            throw JWTError(.badSignature, "signature is invalid")
        }
    }

    /// Checks `exp`, `nbf` and `iat` when present (jwt-go semantics): each must be a number; `exp` not past,
    /// `nbf` and `iat` not in the future.
    public func validateTimes(now: Int64) throws(JWTError) {
        try times().validate(now: now)
    }

    /// The time claims, each a number when present.
    public func times() throws(JWTError) -> JWTTimes {
        JWTTimes(expires: try numericClaim("exp"), notBefore: try numericClaim("nbf"), issuedAt: try numericClaim("iat"))
    }

    /// A claim that must be a number when present.
    public func numericClaim(_ name: String) throws(JWTError) -> Double? {
        switch claims[name] {
        case nil, .null?: return nil
        case .number(let value)?: return value
        default: throw JWTError(.invalidClaim, "\(name) must be a number")
        }
    }

    /// A claim that is a string, or nil.
    public func stringClaim(_ name: String) -> String? {
        if case .string(let value) = claims[name] { return value }
        return nil
    }

    /// Signs `claims` (in the order given) with `algorithm`; `extraHeader` members follow `alg` and `typ`.
    public static func sign(
        claims: [(String, JSONValue)], extraHeader: [(String, JSONValue)] = [], algorithm: JWTAlgorithm = .hs256,
        key: SymmetricKey
    ) -> String {
        let header = [("alg", JSONValue.string(algorithm.rawValue)), ("typ", .string("JWT"))] + extraHeader
        let input = Base64URL.encode(Array(JSONObjectWriter(header).text.utf8)) + "."
            + Base64URL.encode(Array(JSONObjectWriter(claims).text.utf8))
        let mac = algorithm.authenticationCode(for: Array(input.utf8), key: key)
        return input + "." + Base64URL.encode(mac)
    }

}
