import Crypto
import Foundation
import IAMTokens
import PolicyEngine

extension ClientConfiguration {
    /// The `Authorization` header for the configured identity. Exactly one of a token, a secret pair or a user name
    /// and password may be set (the SDK's rule); none means anonymous.
    public func authorizationHeader(now: Int64) throws(ClientError) -> String? {
        let secretPair = !secretID.isEmpty || !secretKey.isEmpty
        let basic = !username.isEmpty || !password.isEmpty
        let chosen = [!token.isEmpty, secretPair, basic].filter { $0 }.count
        guard chosen <= 1 else {
            throw ClientError(message: "set only one of user.token, user.secret-id/secret-key and user.username/password")
        }
        if !token.isEmpty { return "Bearer " + token }
        if secretPair {
            guard !secretID.isEmpty, !secretKey.isEmpty else { throw ClientError(message: "user.secret-id and user.secret-key go together") }
            let token = JSONWebToken.sign(
                claims: [("aud", "iam.api.marmotedu.com"), ("exp", .number(Double(now + 7200))), ("iat", .number(Double(now))),
                         ("iss", "iamctl"), ("nbf", .number(Double(now)))],
                extraHeader: [("kid", .string(secretID))], key: SymmetricKey(data: Array(secretKey.utf8)))
            return "Bearer " + token
        }
        if basic {
            guard !username.isEmpty, !password.isEmpty else { throw ClientError(message: "user.username and user.password go together") }
            return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        }
        return nil
    }
}

/// A failed call: the server's error (`code`, `message`, `details`) or why the server could not be reached.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    public var status: Int?
    public var code: Int?
    public var message: String
    public var details: String?

    public init(status: Int? = nil, code: Int? = nil, message: String, details: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String {
        guard let status else { return message }
        var text = "Error from server (HTTP \(status)"
        if let code { text += ", code \(code)" }
        text += "): " + message
        if let details { text += " (\(details))" }
        return text
    }
}
