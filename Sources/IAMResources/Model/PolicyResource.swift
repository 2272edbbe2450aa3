public import PolicyEngine

/// A stored ladon policy owned by a user; the policy's `id` is always the resource name.
public struct PolicyResource: Sendable, Equatable {
    public var metadata: ObjectMeta
    public var username: String
    public var policy: Policy

    public init(metadata: ObjectMeta, username: String, policy: Policy) {
        self.metadata = metadata
        self.username = username
        self.policy = policy
    }

    public var name: String { metadata.name }

    /// The API's JSON: `metadata`, `username`, `policy` (ladon field order).
    public var json: String {
        var writer = JSONObjectWriter()
        writer.raw("metadata", metadata.json)
        writer.string("username", username)
        writer.raw("policy", policy.jsonText)
        return writer.text
    }
}

/// What `POST /v1/policies` and `PUT /v1/policies/:name` accept.
public struct PolicyInput: Sendable {
    public var name: String
    public var extend: [String: JSONValue]?
    /// The ladon document, decoded with the engine's Go-compatible rules (unknown condition types are bind errors).
    public var policy: Policy?

    public init(name: String, extend: [String: JSONValue]? = nil, policy: Policy?) {
        self.name = name
        self.extend = extend
        self.policy = policy
    }

    public init(body: JSONFields) throws(IAMError) {
        let meta = try ObjectMeta.input(from: body)
        name = meta.name
        extend = meta.extend
        _ = try body.string("username")
        if let document = body.value("policy") {
            do {
                var policy = try Policy(json: document, at: JSONPath.root.appending("policy"))
                policy.id = meta.name
                self.policy = policy
            } catch {
                throw IAMError(.bind, error.description)
            }
        } else {
            policy = nil
        }
    }

    public func validate() throws(IAMError) {
        if let problem = ValidationRules.qualifiedNameProblem(name) {
            throw IAMError(.validation, "metadata.name: \(problem)")
        }
    }
}
