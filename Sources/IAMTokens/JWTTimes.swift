/// A token's `exp`, `nbf` and `iat` claims, kept apart from the token so a verified token can be re-checked
/// against the clock without being parsed again.
public struct JWTTimes: Sendable, Equatable {
    public var expires: Double?
    public var notBefore: Double?
    public var issuedAt: Double?

    public init(expires: Double? = nil, notBefore: Double? = nil, issuedAt: Double? = nil) {
        self.expires = expires
        self.notBefore = notBefore
        self.issuedAt = issuedAt
    }

    /// jwt-go's rules: `exp` not past, `nbf` and `iat` not in the future (`now` in unix seconds).
    public func validate(now: Int64) throws(JWTError) {
        if let expires, Double(now) >= expires {
            throw JWTError(.expired, "token is expired")
        }
        if let notBefore, Double(now) < notBefore {
            throw JWTError(.notYetValid, "token is not valid yet")
        }
        if let issuedAt, Double(now) < issuedAt {
            throw JWTError(.notYetValid, "token used before issued")
        }
    }
}
