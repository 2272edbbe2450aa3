import IAMResources
import PolicyEngine

/// One audit record as the authz server buffers, ships and spools it: the line `{"id":"…","record":{…}}`, the
/// record's fields in ``AuditRecord/json``'s order.
///
/// The decision path writes it once, straight into bytes, with the owner's policy texts escaped in advance
/// (``OwnerPolicies``): neither the event loop nor the shipper builds an `AuditRecord` or re-escapes a policy per
/// decision. `AuditRecord` stays the reader's form (the apiserver's queue, the pump).
struct AuditLine: Sendable, Equatable {
    /// The line's UTF-8 bytes, as written (never made into a `String` on the decision path: that would copy and
    /// validate every byte once more).
    let bytes: [UInt8]

    /// The line as text (tests, diagnostics).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The line for `record`, written from its fields: the reference the decision path's lines are tested against.
    init(_ record: AuditRecord) {
        let json = record.json
        self = AuditLine(id: record.id, capacity: json.utf8.count) { $0.appendRaw(json) }
    }

    /// `{"id":…,"record":` + what `writeRecord` appends + `}`: the envelope both ways of making a line share.
    private init(id: String, capacity: Int, writeRecord: (inout JSONTextBuffer) -> Void) {
        var line = JSONTextBuffer(capacity: capacity + id.utf8.count + 20)
        line.appendRaw("{\"id\":")
        line.appendQuoted(id)
        line.appendRaw(",\"record\":")
        writeRecord(&line)
        line.appendByte(UInt8(ascii: "}"))
        bytes = line.bytes
    }

    /// The record this line carries, read as the apiserver reads it; nil when the line is not one.
    var record: AuditRecord? {
        guard case .object(let members)? = try? JSONValue.parse(bytes),
              case .string(let id)? = members["id"], let record = members["record"] else { return nil }
        return AuditRecord(id: id, json: record.description)
    }

    /// The line of one decision. `escapedPolicies` and the texts `escapedPolicyJSON` finds for the deciders are JSON
    /// texts already escaped for a string literal (``JSONTextBuffer/appendEscaped(_:)``); `escapedPolicies` is empty
    /// without detailed recording.
    static func decision(
        id: String, timestamp: Int64, username: String, decision: Decision, request: AccessRequest,
        escapedPolicies: String, escapedPolicyJSON: [String: String], expireAt: String
    ) -> AuditLine {
        AuditLine(id: id, capacity: 1024 + escapedPolicies.utf8.count) { line in
            line.appendRaw("{\"timestamp\":")
            line.appendRaw(String(timestamp))
            line.appendRaw(",\"username\":")
            line.appendQuoted(username)
            line.appendRaw(decision.allowed ? ",\"effect\":\"allow\",\"conclusion\":\"" : ",\"effect\":\"deny\",\"conclusion\":\"")
            decision.appendAuditConclusion(escapedTo: &line)
            line.appendRaw("\",\"request\":\"")
            AuditRecord.appendEscapedRequestJSON(request, to: &line)
            line.appendRaw("\",\"policies\":\"")
            line.appendRaw(escapedPolicies)
            line.appendRaw("\",\"deciders\":\"[")
            var first = true
            decision.forEachDeciderID { id in
                guard let text = escapedPolicyJSON[id] else { return }
                if !first { line.appendByte(UInt8(ascii: ",")) }
                first = false
                line.appendRaw(text)
            }
            line.appendRaw("]\",\"expireAt\":\"")
            line.appendRaw(expireAt)  // an RFC 3339 stamp: nothing in it needs escaping
            line.appendRaw("\"}")
        }
    }
}
