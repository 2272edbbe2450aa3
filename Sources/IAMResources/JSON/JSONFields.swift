public import PolicyEngine

/// Reads the members of a request body object with Go's binding rules: absent and `null` are "not given", a
/// value of the wrong type is a bind error naming its path.
public struct JSONFields: Sendable {
    public let members: [String: JSONValue]
    public let path: String

    /// The top-level object of `bytes`, or a bind error saying where the JSON is malformed.
    public static func parseBody(_ bytes: some Collection<UInt8>) throws(IAMError) -> JSONFields {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch { throw IAMError(.bind, "malformed JSON at \(error)") }
        return try JSONFields(value, path: "")
    }

    public init(_ value: JSONValue, path: String) throws(IAMError) {
        guard case .object(let members) = value else {
            throw IAMError(.bind, "\(path.isEmpty ? "body" : path) must be a JSON object, not \(value.typeName)")
        }
        self.members = members
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// `encoding/json` matches keys case-insensitively when there is no exact match.
    public func value(_ key: String) -> JSONValue? {
        switch JSONValue.object(members).member(key) {
        case nil, .null?: nil
        case let value?: value
        }
    }

    public func string(_ key: String) throws(IAMError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw typeError(key, "a string", value) }
        if text.unicodeScalars.contains("\u{0}") { throw IAMError(.bind, "\(name(key)) must not contain NUL characters") }
        return text
    }

    public func integer(_ key: String) throws(IAMError) -> Int64? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 9.2e18 else {
            throw typeError(key, "an integer", value)
        }
        return Int64(number)
    }

    public func object(_ key: String) throws(IAMError) -> JSONFields? {
        guard let value = value(key) else { return nil }
        return try JSONFields(value, path: name(key))
    }

    private func typeError(_ key: String, _ expected: String, _ value: JSONValue) -> IAMError {
        IAMError(.bind, "\(name(key)) must be \(expected), not \(value.typeName)")
    }
}
