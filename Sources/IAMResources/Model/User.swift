public import PolicyEngine

/// A user as stored. The password hash never leaves the server.
public struct User: Sendable, Equatable {
    public var metadata: ObjectMeta
    /// 1 enabled, 0 disabled.
    public var status: Int
    public var nickname: String
    /// bcrypt hash.
    public var passwordHash: String
    public var email: String
    public var phone: String
    public var isAdmin: Bool
    /// Number of the user's policies (filled in lists only).
    public var totalPolicy: Int64
    public var loginedAt: Timestamp

    public init(
        metadata: ObjectMeta, status: Int = 1, nickname: String, passwordHash: String, email: String,
        phone: String = "", isAdmin: Bool = false, totalPolicy: Int64 = 0, loginedAt: Timestamp = .zero
    ) {
        self.metadata = metadata
        self.status = status
        self.nickname = nickname
        self.passwordHash = passwordHash
        self.email = email
        self.phone = phone
        self.isAdmin = isAdmin
        self.totalPolicy = totalPolicy
        self.loginedAt = loginedAt
    }

    public var name: String { metadata.name }
    public var isEnabled: Bool { status == 1 }

    /// The API's JSON (marmotedu/api `User` field order) without `password`.
    public var json: String {
        var writer = JSONObjectWriter()
        writer.raw("metadata", metadata.json)
        writer.integer("status", status)
        writer.string("nickname", nickname)
        writer.string("email", email)
        writer.string("phone", phone)
        writer.integerOmitZero("isAdmin", isAdmin ? 1 : 0)
        writer.integer("totalPolicy", totalPolicy)
        writer.string("loginedAt", loginedAt.rfc3339)
        return writer.text
    }
}

/// What `POST /v1/users` and `PUT /v1/users/:name` accept.
public struct UserInput: Sendable {
    public var name: String
    public var extend: [String: JSONValue]?
    public var nickname: String?
    public var password: String?
    public var email: String?
    public var phone: String?
    public var isAdmin: Bool

    public init(
        name: String, extend: [String: JSONValue]? = nil, nickname: String? = nil, password: String? = nil,
        email: String? = nil, phone: String? = nil, isAdmin: Bool = false
    ) {
        self.name = name
        self.extend = extend
        self.nickname = nickname
        self.password = password
        self.email = email
        self.phone = phone
        self.isAdmin = isAdmin
    }

    public init(body: JSONFields) throws(IAMError) {
        let meta = try ObjectMeta.input(from: body)
        name = meta.name
        extend = meta.extend
        nickname = try body.string("nickname")
        password = try body.string("password")
        email = try body.string("email")
        phone = try body.string("phone")
        isAdmin = (try body.integer("isAdmin") ?? 0) == 1
        _ = try body.integer("status")
        _ = try body.integer("totalPolicy")
    }

    /// `User.Validate()` for creation, password complexity included.
    public func validateForCreate() throws(IAMError) {
        var problems: [String] = []
        if let problem = ValidationRules.qualifiedNameProblem(name) { problems.append("metadata.name: \(problem)") }
        if let problem = ValidationRules.lengthProblem("nickname", nickname ?? "", 1...30) { problems.append(problem) }
        if let problem = ValidationRules.passwordProblem(password ?? "") { problems.append(problem) }
        if let problem = ValidationRules.emailProblem(email ?? "") { problems.append(problem) }
        if let problem = ValidationRules.lengthProblem("phone", phone ?? "", 0...20) { problems.append(problem) }
        if !problems.isEmpty { throw IAMError(.validation, problems.joined(separator: "; ")) }
    }
}

extension User {
    /// `PUT /v1/users/:name`: nickname, email, phone and extend are replaced (absent fields keep their value, a fix
    /// over marmotedu/iam which blanked them), then `ValidateUpdate` runs.
    public func updated(with input: UserInput) throws(IAMError) -> User {
        var user = self
        if let nickname = input.nickname { user.nickname = nickname }
        if let email = input.email { user.email = email }
        if let phone = input.phone { user.phone = phone }
        if let extend = input.extend { user.metadata.extend = extend }
        var problems: [String] = []
        if let problem = ValidationRules.lengthProblem("nickname", user.nickname, 1...30) { problems.append(problem) }
        if let problem = ValidationRules.emailProblem(user.email) { problems.append(problem) }
        if let problem = ValidationRules.lengthProblem("phone", user.phone, 0...20) { problems.append(problem) }
        if !problems.isEmpty { throw IAMError(.validation, problems.joined(separator: "; ")) }
        return user
    }
}
