import PolicyEngine

/// A registered error of the marmotedu/iam numbering scheme: the code, the HTTP status it travels with and the
/// registered message the body carries (`{"code":…,"message":…}`).
public struct IAMErrorCode: Sendable, Hashable, CustomStringConvertible {
    public let code: Int
    public let httpStatus: Int
    public let message: String

    private init(_ code: Int, _ httpStatus: Int, _ message: String) {
        self.code = code
        self.httpStatus = httpStatus
        self.message = message
    }

    public var description: String { "\(message) (code \(code))" }

    /// The body every error response carries.
    public var bodyJSON: String { "{\"code\":\(code),\"message\":\(quoteJSON(message))}" }

    public static let unknown = IAMErrorCode(100002, 500, "Internal server error")
    public static let bind = IAMErrorCode(100003, 400, "Error occurred while binding the request body to the struct")
    public static let validation = IAMErrorCode(100004, 400, "Validation failed")
    public static let tokenInvalid = IAMErrorCode(100005, 401, "Token invalid")
    public static let pageNotFound = IAMErrorCode(100006, 404, "Page not found")
    /// Ours: a body over the configured limit (marmotedu/iam has no limit).
    public static let bodyTooLarge = IAMErrorCode(100007, 413, "Request body too large")
    /// Ours: authz has no snapshot of secrets and policies yet (the apiserver has not been reached since start).
    public static let notReady = IAMErrorCode(100008, 503, "Service not ready")
    public static let database = IAMErrorCode(100101, 500, "Database error")
    /// Ours: the change feed no longer reaches back to the revision asked for; read a snapshot.
    public static let changesPruned = IAMErrorCode(100102, 410, "Changes before this revision are no longer kept")
    public static let signatureInvalid = IAMErrorCode(100202, 401, "Signature is invalid")
    public static let expired = IAMErrorCode(100203, 401, "Token expired")
    public static let invalidAuthHeader = IAMErrorCode(100204, 401, "Invalid authorization header")
    public static let missingHeader = IAMErrorCode(100205, 401, "The `Authorization` header was empty")
    public static let passwordIncorrect = IAMErrorCode(100206, 401, "Password was incorrect")
    public static let permissionDenied = IAMErrorCode(100207, 403, "Permission denied")
    public static let userNotFound = IAMErrorCode(110001, 404, "User not found")
    public static let userAlreadyExist = IAMErrorCode(110002, 400, "User already exist")
    public static let reachMaxCount = IAMErrorCode(110101, 400, "Secret reach the max count")
    public static let secretNotFound = IAMErrorCode(110102, 404, "Secret not found")
    /// Ours: secret names are unique per user.
    public static let secretAlreadyExist = IAMErrorCode(110103, 400, "Secret already exist")
    public static let policyNotFound = IAMErrorCode(110201, 404, "Policy not found")
    /// Ours: policy names are unique per user.
    public static let policyAlreadyExist = IAMErrorCode(110202, 400, "Policy already exist")

    /// Every registered code, for documentation and lookups by number.
    public static let all: [IAMErrorCode] = [
        unknown, bind, validation, tokenInvalid, pageNotFound, bodyTooLarge, notReady, database, changesPruned, signatureInvalid, expired,
        invalidAuthHeader, missingHeader, passwordIncorrect, permissionDenied, userNotFound, userAlreadyExist,
        reachMaxCount, secretNotFound, secretAlreadyExist, policyNotFound, policyAlreadyExist,
    ]
}

/// An API error: a registered code plus the detail that tells a user what to fix (logged and, for validation and
/// bind errors, shown in `details`).
public struct IAMError: Error, Sendable, CustomStringConvertible {
    public var code: IAMErrorCode
    public var detail: String

    public init(_ code: IAMErrorCode, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail.isEmpty ? code.description : "\(code.description): \(detail)" }
}
