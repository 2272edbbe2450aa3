import Foundation
import IAMResources
import IAMStore

/// marmotedu/iam's "auto" strategy: `Authorization: Basic …` (bcrypt) or `Bearer <login token>`. Unlike
/// marmotedu/iam the user is loaded on every request, so a deleted or disabled user's token stops working at once.
struct Authenticator: Sendable {
    let store: any IAMStore
    let tokens: LoginTokens
    let hasher: PasswordHasher

    /// The enabled user the `Authorization` header names, or the documented 401.
    func authenticate(header: String?, now: Int64) async throws -> User {
        guard let header, let space = header.firstIndex(of: " ") else {
            throw IAMError(.invalidAuthHeader, "send Authorization: Basic <base64 user:password> or Bearer <token>")
        }
        let scheme = header[..<space]
        let credentials = header[header.index(after: space)...].trimmingCharacters(in: .whitespaces)
        guard !credentials.isEmpty, !credentials.contains(" ") else {
            throw IAMError(.invalidAuthHeader, "the Authorization header must be '<scheme> <credentials>'")
        }
        switch scheme {
        case "Basic":
            guard let (name, password) = Self.basicCredentials(credentials) else {
                throw IAMError(.signatureInvalid, "Basic credentials must be base64 of user:password")
            }
            return try await checkPassword(name: name, password: password, now: now)
        case "Bearer":
            let name = try tokens.verify(credentials, now: now)
            guard let user = try await store.user(named: name), user.isEnabled else {
                throw IAMError(.signatureInvalid, "the token's user no longer exists or is disabled")
            }
            return user
        default:
            throw IAMError(.signatureInvalid, "unsupported authorization scheme \(scheme); use Basic or Bearer")
        }
    }

    /// The enabled user `name` when `password` is theirs; records the login.
    func checkPassword(name: String, password: String, now: Int64) async throws -> User {
        let user = try await store.user(named: name)
        let matches = try await hasher.verify(password, hash: user?.passwordHash ?? hasher.decoy)
        guard let user, user.isEnabled, matches else {
            throw IAMError(.signatureInvalid, "wrong user name or password")
        }
        let time = Timestamp(microseconds: now * 1_000_000)
        try await store.recordLogin(userNamed: name, at: time)
        var logged = user
        logged.loginedAt = time
        return logged
    }

    /// `user:password` from base64.
    static func basicCredentials(_ text: String) -> (String, String)? {
        guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8),
            let colon = decoded.firstIndex(of: ":")
        else { return nil }
        return (String(decoded[..<colon]), String(decoded[decoded.index(after: colon)...]))
    }
}
