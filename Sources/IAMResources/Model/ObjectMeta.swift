public import PolicyEngine

/// The `metadata` every resource carries (component-base `ObjectMeta`).
public struct ObjectMeta: Sendable, Equatable {
    /// Row id; 0 before the row is stored.
    public var id: UInt64
    public var instanceID: String
    public var name: String
    /// Free-form client data, an object (stored as JSON text in `extendShadow`).
    public var extend: [String: JSONValue]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: UInt64 = 0, instanceID: String = "", name: String, extend: [String: JSONValue] = [:],
        createdAt: Timestamp = .zero, updatedAt: Timestamp = .zero
    ) {
        self.id = id
        self.instanceID = instanceID
        self.name = name
        self.extend = extend
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// `extend` as stored: JSON text, `{}` when empty.
    public var extendText: String { JSONValue.object(extend).description }

    /// Decodes stored `extendShadow` text; anything that is not an object reads as empty.
    public static func extend(fromStored text: String) -> [String: JSONValue] {
        if case .object(let members)? = try? JSONValue.parse(text) { return members }
        return [:]
    }

    /// The JSON object, fields in Go's order with its `omitempty` rules.
    public var json: String {
        var writer = JSONObjectWriter()
        writer.integerOmitZero("id", id)
        writer.stringOmitEmpty("instanceID", instanceID)
        writer.stringOmitEmpty("name", name)
        if !extend.isEmpty { writer.raw("extend", extendText) }
        writer.string("createdAt", createdAt.rfc3339)
        writer.string("updatedAt", updatedAt.rfc3339)
        return writer.text
    }

    /// The `metadata` member of a request body: only `name` and `extend` are inputs.
    public static func input(from body: JSONFields) throws(IAMError) -> (name: String, extend: [String: JSONValue]?) {
        guard let metadata = try body.object("metadata") else { return ("", nil) }
        let name = try metadata.string("name") ?? ""
        let extend = try metadata.object("extend")?.members
        return (name, extend)
    }
}
