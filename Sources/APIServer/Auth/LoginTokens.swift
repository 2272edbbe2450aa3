import Crypto
import IAMResources
import IAMTokens
import PolicyEngine

/// The login tokens gin-jwt issued for marmotedu/iam: HS256 with `jwt.key`; claims `iss`, `aud`, `identity`,
/// `sub`, `exp`, `orig_iat`.
struct LoginTokens: Sendable {
    let key: SymmetricKey
    let lifetime: Int64
    let maxRefresh: Int64

    init(key: String, lifetime: Int64, maxRefresh: Int64) {
        self.key = SymmetricKey(data: Array(key.utf8))
        self.lifetime = lifetime
        self.maxRefresh = maxRefresh
    }

    /// A new token for `username`, issued at `now`; returns the token and its expiry.
    func issue(username: String, now: Int64, carrying extra: [String: JSONValue] = [:]) -> (token: String, expires: Int64) {
        let expires = now + lifetime
        let standard: [(String, JSONValue)] = [
            ("aud", "iam.api.marmotedu.com"), ("exp", .number(Double(expires))), ("identity", .string(username)),
            ("iss", "iam-apiserver"), ("orig_iat", .number(Double(now))), ("sub", .string(username)),
        ]
        let names = Set(standard.map(\.0))
        let carried = extra.filter { !names.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return (JSONWebToken.sign(claims: standard + carried, key: key), expires)
    }

    /// The username of a valid, unexpired token; the error says which check failed.
    func verify(_ text: String, now: Int64) throws(IAMError) -> String {
        let token = try verifiedSignature(text)
        do throws(JWTError) {
            guard try token.numericClaim("exp") != nil else { throw JWTError(.invalidClaim, "missing exp field") }
            try token.validateTimes(now: now)
        } catch {
            throw error.code == .expired ? IAMError(.expired, error.message) : IAMError(.signatureInvalid, error.message)
        }
        guard let identity = token.stringClaim("identity") else {
            throw IAMError(.signatureInvalid, "the token has no identity claim")
        }
        return identity
    }

    /// For `/refresh`: a correctly signed token, possibly expired, whose `orig_iat` is within `jwt.max-refresh`.
    func refreshable(_ text: String, now: Int64) throws(IAMError) -> (username: String, claims: [String: JSONValue]) {
        let token = try verifiedSignature(text)
        guard case .number(let issued)? = token.claims["orig_iat"], Double(now) - issued <= Double(maxRefresh) else {
            throw IAMError(.expired, "token is expired (issued longer ago than jwt.max-refresh)")
        }
        guard let identity = token.stringClaim("identity") else {
            throw IAMError(.signatureInvalid, "the token has no identity claim")
        }
        return (identity, token.claims)
    }

    private func verifiedSignature(_ text: String) throws(IAMError) -> JSONWebToken {
        do {
            let token = try JSONWebToken(parsing: text)
            try token.verifySignature(key: key, accepting: [.hs256])
            return token
        } catch {
            throw IAMError(.signatureInvalid, error.message)
        }
    }

    /// RFC 3339 expiry in UTC, as `/login` reports it.
    static func expiryText(_ seconds: Int64) -> String { Timestamp(microseconds: seconds * 1_000_000).rfc3339 }
}
