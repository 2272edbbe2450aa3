public import PolicyEngine

/// An API key pair: `secretID` names it in a token's `kid`, `secretKey` signs the token.
public struct Secret: Sendable, Equatable {
    public var metadata: ObjectMeta
    public var username: String
    public var secretID: String
    public var secretKey: String
    /// Unix seconds after which tokens signed with it are refused; 0 never expires.
    public var expires: Int64
    public var description: String

    public init(metadata: ObjectMeta, username: String, secretID: String, secretKey: String, expires: Int64, description: String) {
        self.metadata = metadata
        self.username = username
        self.secretID = secretID
        self.secretKey = secretKey
        self.expires = expires
        self.description = description
    }

    public var name: String { metadata.name }

    /// The API's JSON in marmotedu/api field order.
    public var json: String {
        var writer = JSONObjectWriter()
        writer.raw("metadata", metadata.json)
        writer.string("username", username)
        writer.string("secretID", secretID)
        writer.string("secretKey", secretKey)
        writer.integer("expires", expires)
        writer.string("description", description)
        return writer.text
    }
}

/// What `POST /v1/secrets` and `PUT /v1/secrets/:name` accept; ids, keys and owner are the server's.
public struct SecretInput: Sendable {
    public var name: String
    public var extend: [String: JSONValue]?
    public var expires: Int64?
    public var description: String?

    public init(name: String, extend: [String: JSONValue]? = nil, expires: Int64? = nil, description: String? = nil) {
        self.name = name
        self.extend = extend
        self.expires = expires
        self.description = description
    }

    public init(body: JSONFields) throws(IAMError) {
        let meta = try ObjectMeta.input(from: body)
        name = meta.name
        extend = meta.extend
        expires = try body.integer("expires")
        description = try body.string("description")
        _ = try body.string("username")
        _ = try body.string("secretID")
        _ = try body.string("secretKey")
    }

    public func validate(requireName: Bool) throws(IAMError) {
        var problems: [String] = []
        if requireName, let problem = ValidationRules.qualifiedNameProblem(name) { problems.append("metadata.name: \(problem)") }
        if let problem = ValidationRules.lengthProblem("description", description ?? "", 0...255) { problems.append(problem) }
        if let expires, expires < 0 { problems.append("expires must be 0 (never) or unix seconds") }
        if !problems.isEmpty { throw IAMError(.validation, problems.joined(separator: "; ")) }
    }
}
