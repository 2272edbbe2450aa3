/// Why a token was refused. Compare `code`; `message` is for people.
public struct JWTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; new kinds are not breaking.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ name: String) { description = name }

        /// Not three base64url segments of JSON objects.
        public static let malformed = Code("malformed")
        /// `alg` is missing, `none`, or not an HMAC algorithm this server accepts.
        public static let unsupportedAlgorithm = Code("unsupportedAlgorithm")
        /// The signature does not match the key.
        public static let badSignature = Code("badSignature")
        /// `exp` is in the past.
        public static let expired = Code("expired")
        /// `nbf` or `iat` is in the future.
        public static let notYetValid = Code("notYetValid")
        /// A claim has the wrong JSON type (`exp` not a number, say).
        public static let invalidClaim = Code("invalidClaim")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
