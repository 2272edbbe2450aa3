/// A ladon policy (`DefaultPolicy`): who (`subjects`) may or may not (`effect`) do what (`actions`) to
/// which `resources`, under which `conditions`.
///
/// ```swift
/// let policy = Policy(id: "read-articles", subjects: ["users:<peter|ken>"], effect: "allow",
///                     resources: ["resources:articles:<.*>"], actions: ["get"])
/// ```
public struct Policy: Sendable, Equatable {
    public var id: String
    public var description: String
    public var subjects: [String]
    /// The policy allows only when this is exactly `allow`; any other value denies.
    public var effect: String
    public var resources: [String]
    public var actions: [String]
    /// Context key → condition that `request.context[key]` must fulfil.
    public var conditions: [String: Condition]
    /// Opaque bytes, as the base64 text of the JSON form; nil when absent or null.
    public var meta: String?

    public init(id: String, description: String = "", subjects: [String], effect: String, resources: [String],
                actions: [String], conditions: [String: Condition] = [:], meta: String? = nil) {
        self.id = id
        self.description = description
        self.subjects = subjects
        self.effect = effect
        self.resources = resources
        self.actions = actions
        self.conditions = conditions
        self.meta = meta
    }

    /// True when the policy grants (`effect` is exactly `allow`).
    public var allows: Bool { effect == "allow" }
}

extension Policy {
    /// Decodes a policy the way ladon's Go structs do; errors name the policy and the JSON path.
    public init(json: JSONValue, at path: JSONPath = .root) throws(JSONShapeError) {
        guard case .object = json else {
            throw JSONShapeError(path: path, message: "a policy must be an object, found \(json.typeName)")
        }
        let id = try json.optionalString("id", at: path)
        do throws(JSONShapeError) {
            var conditions: [String: Condition] = [:]
            if let raw = json.member("conditions"), raw != .null {
                guard case .object(let members) = raw else {
                    throw JSONShapeError(path: path.appending("conditions"),
                                         message: "conditions must be an object, found \(raw.typeName)")
                }
                for (key, value) in members {
                    conditions[key] = try Condition(json: value, at: path.appending("conditions").appending(key))
                }
            }
            var meta: String?
            if let raw = json.member("meta"), raw != .null {
                let text = try raw.string(at: path.appending("meta"))
                guard Base64.isValid(text) else {
                    throw JSONShapeError(path: path.appending("meta"), message: "meta must be standard base64 text")
                }
                meta = text
            }
            self.init(
                id: id,
                description: try json.optionalString("description", at: path),
                subjects: try json.stringList("subjects", at: path),
                effect: try json.optionalString("effect", at: path),
                resources: try json.stringList("resources", at: path),
                actions: try json.stringList("actions", at: path),
                conditions: conditions,
                meta: meta
            )
        } catch {
            throw JSONShapeError(path: error.path, message: "policy \"\(id)\": \(error.message)")
        }
    }
}

/// Validation of standard, padded base64, as Go's `[]byte` JSON fields require.
enum Base64 {
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count % 4 == 0 else { return false }
        var padding = 0
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                guard padding == 0 else { return false }
            case UInt8(ascii: "="):
                padding += 1
                guard index >= bytes.count - 2 else { return false }
            default:
                return false
            }
        }
        return true
    }
}
