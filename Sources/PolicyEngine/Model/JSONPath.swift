/// Where a value sits in a JSON document, written `$[3].conditions.owner.type`.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    private var components: [String]

    public static let root = JSONPath(components: [])

    public func appending(_ key: String) -> JSONPath { JSONPath(components: components + [".\(key)"]) }
    public func appending(_ index: Int) -> JSONPath { JSONPath(components: components + ["[\(index)]"]) }

    public var description: String { "$" + components.joined() }
}

/// A JSON document that does not have the shape a policy or request needs.
public struct JSONShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the document the problem is.
    public var path: JSONPath
    /// What is wrong, for a person.
    public var message: String

    public init(path: JSONPath, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

extension JSONValue {
    func string(at path: JSONPath) throws(JSONShapeError) -> String {
        guard case .string(let value) = self else {
            throw JSONShapeError(path: path, message: "expected a string, found \(typeName)")
        }
        return value
    }

    /// A string, or "" for null/absent, as Go decodes a `string` field.
    func optionalString(_ key: String, at path: JSONPath) throws(JSONShapeError) -> String {
        guard let value = member(key), value != .null else { return "" }
        return try value.string(at: path.appending(key))
    }

    /// A list of strings; null/absent is empty, as Go decodes a `[]string` field.
    func stringList(_ key: String, at path: JSONPath) throws(JSONShapeError) -> [String] {
        guard let value = member(key), value != .null else { return [] }
        guard case .array(let items) = value else {
            throw JSONShapeError(path: path.appending(key), message: "expected an array of strings, found \(value.typeName)")
        }
        var result: [String] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            result.append(try item.string(at: path.appending(key).appending(index)))
        }
        return result
    }
}
