import Crypto
public import PolicyEngine

/// How a batch of audit records is stored: one row per batch, its records as one JSON array text
/// `[{"id":"…","record":{…}}, …]`, and a key that identifies the batch by its record ids.
///
/// One row per batch instead of one per record: per record, PostgreSQL spent about 6 µs on the heap insert, the
/// unique index on the record id, the row's own key and their WAL; a whole batch in one (compressed) value costs
/// a few tenths of a microsecond per record, and the pump deletes one row per batch.
public enum AuditBatchText {
    /// The key of a batch: SHA-256 over its record ids in order (each length-prefixed), hex. A batch sent again
    /// (an authz server that did not see the answer replays it from its spool) has the same key and is skipped.
    public static func key(_ ids: some Sequence<String>) -> String {
        var hash = SHA256()
        for var id in ids {
            id.withUTF8 { bytes in
                var length = UInt32(bytes.count).littleEndian
                withUnsafeBytes(of: &length) { hash.update(bufferPointer: $0) }
                hash.update(bufferPointer: UnsafeRawBufferPointer(bytes))
            }
        }
        return hash.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The records as the stored array text; each record's JSON is copied as it is.
    public static func arrayText(_ records: [QueuedAuditRecord]) -> String {
        var text = JSONTextBuffer(capacity: records.reduce(2) { $0 + $1.json.utf8.count + $1.id.utf8.count + 20 })
        text.appendByte(UInt8(ascii: "["))
        for (index, record) in records.enumerated() {
            text.appendRaw(index == 0 ? "{\"id\":" : ",{\"id\":")
            text.appendQuoted(record.id)
            text.appendRaw(",\"record\":")
            text.appendRaw(record.json)
            text.appendByte(UInt8(ascii: "}"))
        }
        return text.text(appending: UInt8(ascii: "]"))
    }

    /// The records of a stored array text, in order. Throws ``StoreError`` when the text is not one.
    public static func records(inArrayText text: String) throws -> [QueuedAuditRecord] {
        var text = text
        return try text.withUTF8 { bytes in
            do {
                return try JSONReader.read(bytes) { reader in
                    var records: [QueuedAuditRecord] = []
                    try reader.readArray { reader, _ in
                        guard let record = try record(&reader, UnsafeRawBufferPointer(bytes)) else {
                            throw StoreError("a queued audit batch holds an element that is not {\"id\":…,\"record\":{…}}")
                        }
                        records.append(record)
                    }
                    return records
                }
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError("a queued audit batch is not JSON: \(error)")
            }
        }
    }

    /// The longest record id accepted, in UTF-8 bytes.
    public static let maxIDBytes = 128

    /// Reads one element `{"id":"…","record":{…}}` (other members are checked and skipped), keeping the record's
    /// exact text; nil when the element is well-formed JSON of another shape (the caller says what is wrong).
    /// Throws ``JSONSyntaxError`` for malformed JSON.
    public static func record(_ reader: inout JSONReader, _ document: UnsafeRawBufferPointer) throws -> QueuedAuditRecord? {
        guard let (id, text) = try element(&reader) else { return nil }
        // The reader checked the text: valid JSON, so valid UTF-8.
        return QueuedAuditRecord(id: id, json: String(decoding: UnsafeRawBufferPointer(rebasing: document[text]), as: UTF8.self))
    }

    /// Reads one element as ``record(_:_:)`` does, returning its id and where its record's text is in the document.
    public static func element(_ reader: inout JSONReader) throws -> (id: String, record: Range<Int>)? {
        guard reader.nextKind == .object else {
            if reader.nextKind == nil { try reader.skipValue() }  // no value starts here: the syntax error
            return nil
        }
        var id: String?
        var text: Range<Int>?
        var wellShaped = true
        try reader.readObject { reader, key in
            switch key {
            case "id":
                guard case .string(let value) = try reader.readValue(), !value.isEmpty, value.utf8.count <= maxIDBytes else {
                    wellShaped = false
                    return
                }
                id = value
            case "record":
                guard reader.nextKind == .object else {
                    try reader.skipValue()
                    wellShaped = false
                    return
                }
                text = try reader.readRawValue()
            default:
                try reader.skipValue()
            }
        }
        guard wellShaped, let id, let text else { return nil }
        return (id, text)
    }
}
