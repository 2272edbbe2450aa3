public import Crypto

/// The HMAC algorithms a token may be signed with. `none` and public-key algorithms are never accepted.
public enum JWTAlgorithm: String, Sendable, CaseIterable {
    case hs256 = "HS256"
    case hs384 = "HS384"
    case hs512 = "HS512"

    /// The MAC of `message` under `key`.
    public func authenticationCode(for message: [UInt8], key: SymmetricKey) -> [UInt8] {
        switch self {
        case .hs256: Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .hs384: Array(HMAC<SHA384>.authenticationCode(for: message, using: key))
        case .hs512: Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
    }

    /// Whether `code` is the MAC of `message` under `key`, compared in constant time.
    public func isValid(code: [UInt8], for message: [UInt8], key: SymmetricKey) -> Bool {
        switch self {
        case .hs256: HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: message, using: key)
        case .hs384: HMAC<SHA384>.isValidAuthenticationCode(code, authenticating: message, using: key)
        case .hs512: HMAC<SHA512>.isValidAuthenticationCode(code, authenticating: message, using: key)
        }
    }
}
