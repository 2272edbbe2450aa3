extension Policy {
    /// The policy as ladon's `DefaultPolicy` marshals it: fields in the order `id, description, subjects,
    /// effect, resources, actions, conditions, meta`; conditions by sorted key as
    /// `{"type": …, "options": …}` with the options of the condition's Go struct (`equals`, `matches`,
    /// `cidr`, `value`, or `{}`); `meta` as base64 text or `null`.
    public var jsonText: String {
        func list(_ items: [String]) -> String { "[" + items.map(JSONValue.quoted).joined(separator: ",") + "]" }
        let conditionMembers = conditions.keys
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { key in JSONValue.quoted(key) + ":" + conditions[key]!.jsonText }
        let members = [
            "\"id\":" + JSONValue.quoted(id),
            "\"description\":" + JSONValue.quoted(description),
            "\"subjects\":" + list(subjects),
            "\"effect\":" + JSONValue.quoted(effect),
            "\"resources\":" + list(resources),
            "\"actions\":" + list(actions),
            "\"conditions\":{" + conditionMembers.joined(separator: ",") + "}",
            "\"meta\":" + (meta.map(JSONValue.quoted) ?? "null"),
        ]
        return "{" + members.joined(separator: ",") + "}"
    }
}

extension Condition {
    /// `{"type": …, "options": …}` with exactly the option the type has, at its Go zero value when unset.
    public var jsonText: String {
        var options = "{}"
        if let (key, kind) = type.optionField {
            let value = self.options.member(key) ?? .null
            let text: String
            switch (kind, value) {
            case ("boolean", .bool(let flag)): text = flag ? "true" : "false"
            case ("boolean", _): text = "false"
            case (_, .string(let string)): text = JSONValue.quoted(string)
            default: text = "\"\""
            }
            options = "{" + JSONValue.quoted(key) + ":" + text + "}"
        }
        return "{\"type\":" + JSONValue.quoted(type.rawValue) + ",\"options\":" + options + "}"
    }
}
