public import PolicyEngine

/// One decision as marmotedu/iam's analytics record (§2.5): `timestamp, username, effect, conclusion, request,
/// policies, deciders, expireAt`. `request`, `policies` and `deciders` are JSON texts carried as strings, as the Go
/// record carries them.
public struct AuditRecord: Sendable, Equatable {
    /// Unique per record (authz instance + sequence): the queue ignores a record it already has, so a batch
    /// replayed after a lost response is not counted twice.
    public var id: String
    public var timestamp: Int64
    public var username: String
    /// `allow` or `deny`.
    public var effect: String
    public var conclusion: String
    public var request: String
    public var policies: String
    public var deciders: String
    /// RFC 3339, a hundred years after the decision (marmotedu/iam's `SetExpiry(0)`).
    public var expireAt: String

    public init(id: String, timestamp: Int64, username: String, effect: String, conclusion: String, request: String,
                policies: String, deciders: String, expireAt: String) {
        self.id = id
        self.timestamp = timestamp
        self.username = username
        self.effect = effect
        self.conclusion = conclusion
        self.request = request
        self.policies = policies
        self.deciders = deciders
        self.expireAt = expireAt
    }

    /// The record's JSON, fields in §2.5 order (no `id`: that is the queue's key).
    public var json: String {
        var writer = JSONObjectWriter(capacity: request.utf8.count + policies.utf8.count + deciders.utf8.count + 256)
        writer.integer("timestamp", timestamp)
        writer.string("username", username)
        writer.string("effect", effect)
        writer.string("conclusion", conclusion)
        writer.string("request", request)
        writer.string("policies", policies)
        writer.string("deciders", deciders)
        writer.string("expireAt", expireAt)
        return writer.text
    }

    /// Reads ``json`` back (the pump's input); nil when a field is missing or of the wrong type.
    public init?(id: String, json text: String) {
        guard case .object(let members)? = try? JSONValue.parse(text),
              case .number(let timestamp)? = members["timestamp"] else { return nil }
        func string(_ key: String) -> String? {
            if case .string(let value)? = members[key] { return value }
            return nil
        }
        guard let username = string("username"), let effect = string("effect"), let conclusion = string("conclusion"),
              let request = string("request"), let policies = string("policies"), let deciders = string("deciders"),
              let expireAt = string("expireAt") else { return nil }
        self.init(id: id, timestamp: Int64(timestamp), username: username, effect: effect, conclusion: conclusion,
                  request: request, policies: policies, deciders: deciders, expireAt: expireAt)
    }

    /// Ladon's request JSON: `resource, action, subject, context` (context keys sorted, as Go writes a map).
    public static func requestJSON(_ request: AccessRequest) -> String {
        var buffer = JSONTextBuffer(capacity: 256)
        write(request, to: &buffer, insideString: false)
        return buffer.text
    }

    /// Appends ``requestJSON(_:)`` as the contents of a JSON string literal (escaped, no quotes), written straight
    /// in that form: every decision's record carries its request so.
    public static func appendEscapedRequestJSON(_ request: AccessRequest, to buffer: inout JSONTextBuffer) {
        write(request, to: &buffer, insideString: true)
    }

    /// The request's members in ladon's order, written once for both forms.
    private static func write(_ request: AccessRequest, to buffer: inout JSONTextBuffer, insideString: Bool) {
        func member(_ key: String, _ value: JSONValue, first: Bool = false) {
            buffer.appendByte(UInt8(ascii: first ? "{" : ","))
            buffer.append(.string(key), insideString: insideString)
            buffer.appendByte(UInt8(ascii: ":"))
            buffer.append(value, insideString: insideString)
        }
        member("resource", .string(request.resource), first: true)
        member("action", .string(request.action))
        member("subject", .string(request.subject))
        member("context", .object(request.context))
        buffer.appendByte(UInt8(ascii: "}"))
    }
}
