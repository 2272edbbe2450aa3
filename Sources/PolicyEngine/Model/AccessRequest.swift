/// A question for the policy engine: may `subject` perform `action` on `resource`, given `context`?
public struct AccessRequest: Sendable, Equatable {
    public var subject: String
    public var action: String
    public var resource: String
    /// Facts about the request that conditions read (`remoteIPAddress`, `owner`, …).
    public var context: [String: JSONValue]

    public init(subject: String, action: String, resource: String, context: [String: JSONValue] = [:]) {
        self.subject = subject
        self.action = action
        self.resource = resource
        self.context = context
    }

    /// Decodes ladon's request JSON `{"subject", "action", "resource", "context"}`.
    public init(json: JSONValue, at path: JSONPath = .root) throws(JSONShapeError) {
        guard case .object = json else {
            throw JSONShapeError(path: path, message: "a request must be an object, found \(json.typeName)")
        }
        var context: [String: JSONValue] = [:]
        if let raw = json.member("context"), raw != .null {
            guard case .object(let members) = raw else {
                throw JSONShapeError(path: path.appending("context"), message: "context must be an object, found \(raw.typeName)")
            }
            context = members
        }
        self.init(
            subject: try json.optionalString("subject", at: path),
            action: try json.optionalString("action", at: path),
            resource: try json.optionalString("resource", at: path),
            context: context
        )
    }
}
