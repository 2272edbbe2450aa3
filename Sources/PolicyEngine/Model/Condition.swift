/// The seven condition types of ladon, by their JSON names.
public enum ConditionType: String, Sendable, CaseIterable {
    case stringEqual = "StringEqualCondition"
    case stringMatch = "StringMatchCondition"
    case cidr = "CIDRCondition"
    case equalsSubject = "EqualsSubjectCondition"
    case boolean = "BooleanCondition"
    case resourceContains = "ResourceContainsCondition"
    case stringPairsEqual = "StringPairsEqualCondition"
}

/// One condition of a policy: `{"type": "CIDRCondition", "options": {"cidr": "10.0.0.0/8"}}`.
public struct Condition: Sendable, Equatable {
    public var type: ConditionType
    /// The option the type reads (`equals`, `matches`, `cidr` or `value`); absent means Go's zero value.
    public var options: JSONValue

    public init(type: ConditionType, options: JSONValue = .object([:])) {
        self.type = type
        self.options = options
    }

    /// Decodes `{"type", "options"}` with the checks ladon makes when it loads a policy: the type must be
    /// known and each option must have the Go type of its field.
    public init(json: JSONValue, at path: JSONPath) throws(JSONShapeError) {
        guard case .object = json else {
            throw JSONShapeError(path: path, message: "a condition must be an object {\"type\", \"options\"}, found \(json.typeName)")
        }
        let typeName = try json.optionalString("type", at: path)
        guard let type = ConditionType(rawValue: typeName) else {
            let known = ConditionType.allCases.map(\.rawValue).joined(separator: ", ")
            throw JSONShapeError(path: path.appending("type"),
                                 message: "unknown condition type \"\(typeName)\" (known types: \(known))")
        }
        let options = json.member("options") ?? .null
        switch options {
        case .null, .object: break
        default:
            throw JSONShapeError(path: path.appending("options"), message: "options must be an object, found \(options.typeName)")
        }
        if let (key, expected) = type.optionField, let value = options.member(key), value != .null {
            let matches: Bool
            switch (expected, value) {
            case ("string", .string), ("boolean", .bool): matches = true
            default: matches = false
            }
            guard matches else {
                throw JSONShapeError(path: path.appending("options").appending(key),
                                     message: "\(type.rawValue) option \"\(key)\" must be a \(expected), found \(value.typeName)")
            }
        }
        self.init(type: type, options: options == .null ? .object([:]) : options)
    }
}

extension ConditionType {
    /// The single option a type reads, and its JSON type.
    var optionField: (key: String, type: String)? {
        switch self {
        case .stringEqual: ("equals", "string")
        case .stringMatch: ("matches", "string")
        case .cidr: ("cidr", "string")
        case .boolean: ("value", "boolean")
        case .equalsSubject, .resourceContains, .stringPairsEqual: nil
        }
    }
}
