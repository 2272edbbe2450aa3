import PolicyEngine

/// The change feed's JSON (see the apiserver's ChangeFeedRoutes) read into what authz keeps.
enum FeedDocuments {
    struct FeedError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    struct Snapshot {
        var revision: Int64
        var secrets: [SecretEntry]
        var policies: [(owner: String, policy: Policy)]
    }

    struct Changes {
        var revision: Int64
        /// Each change, oldest first.
        var changes: [Change]
        /// The changed owners' states, when the apiserver sent them along (`owners=1`).
        var owners: [Owner]?
    }

    struct Change {
        var revision: Int64
        /// `user`, `secret` or `policy`.
        var kind: String
        var username: String
        var name: String
        /// `objects=1`: the secret or policy as it is now, `.gone` when deleted (or its owner disabled); nil when the
        /// apiserver sent no object (user changes, or an apiserver that does not know `objects`).
        var object: Object?
    }

    enum Object {
        case secret(SecretEntry)
        case policy(Policy)
        case gone
    }

    struct Owner {
        var revision: Int64
        var username: String
        var secrets: [SecretEntry]
        var policies: [Policy]
    }

    static func snapshot(_ bytes: [UInt8]) throws -> Snapshot {
        let root = try object(bytes)
        return Snapshot(revision: try integer(root, "revision"), secrets: try array(root, "secrets").map(secret),
                        policies: try array(root, "policies").map { item in (try string(item, "username"), try policy(item)) })
    }

    static func changes(_ bytes: [UInt8]) throws -> Changes {
        let root = try object(bytes)
        var owners: [Owner]?
        if root.member("owners") != nil { owners = try array(root, "owners").map(owner) }
        return Changes(revision: try integer(root, "revision"), changes: try array(root, "changes").map { item in
            let kind = try string(item, "kind")
            var object: Object?
            switch (item.member("object"), kind) {
            case (nil, _): object = nil
            case (.null?, _): object = .gone
            case (let value?, "secret"): object = .secret(try secret(value))
            case (let value?, "policy"): object = .policy(try policy(value))
            default: throw FeedError("a \(kind) change cannot carry an object")
            }
            return Change(revision: try integer(item, "revision"), kind: kind, username: try string(item, "username"),
                          name: try string(item, "name"), object: object)
        }, owners: owners)
    }

    static func owner(_ bytes: [UInt8]) throws -> Owner {
        try owner(try object(bytes))
    }

    private static func owner(_ root: JSONValue) throws -> Owner {
        let enabled = root.member("enabled") == .bool(true)
        return Owner(revision: try integer(root, "revision"), username: try string(root, "username"),
                     secrets: enabled ? try array(root, "secrets").map(secret) : [],
                     policies: enabled ? try array(root, "policies").map(policy) : [])
    }

    private static func secret(_ item: JSONValue) throws -> SecretEntry {
        var name = ""
        if case .string(let text)? = item.member("metadata")?.member("name") { name = text }
        return SecretEntry(secretID: try string(item, "secretID"), username: try string(item, "username"),
                           secretKey: try string(item, "secretKey"), expires: try integer(item, "expires"), name: name)
    }

    private static func policy(_ item: JSONValue) throws -> Policy {
        guard let body = item.member("policy") else { throw FeedError("a policy without its policy member") }
        var policy = try Policy(json: body)
        // Ladon's policy ID is the policy's name (marmotedu/iam fills it from metadata.name).
        if case .string(let name)? = item.member("metadata")?.member("name") { policy.id = name }
        return policy
    }

    private static func object(_ bytes: [UInt8]) throws -> JSONValue {
        let value = try JSONValue.parse(bytes)
        guard case .object = value else { throw FeedError("the apiserver answered JSON that is not an object") }
        return value
    }

    private static func array(_ value: JSONValue, _ key: String) throws -> [JSONValue] {
        guard case .array(let items)? = value.member(key) else { throw FeedError("\(key) must be an array") }
        return items
    }

    private static func string(_ value: JSONValue, _ key: String) throws -> String {
        guard case .string(let text)? = value.member(key) else { throw FeedError("\(key) must be a string") }
        return text
    }

    private static func integer(_ value: JSONValue, _ key: String) throws -> Int64 {
        guard case .number(let number)? = value.member(key), number.rounded() == number else {
            throw FeedError("\(key) must be a whole number")
        }
        return Int64(number)
    }
}
