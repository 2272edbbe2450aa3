import IAMResources
import IAMStore
import NIOCore
import PolicyEngine

/// Reads the body of `POST /internal/v1/audit`, `{"records":[{"id":"…","record":{…}}, …]}`.
///
/// Each record is kept as the exact text the authz server sent, checked to be a JSON object but not parsed into a
/// tree and written out again: at tens of thousands of decisions a second that round trip was most of the
/// apiserver's work on this route. Members are matched by their exact names; other members are checked and skipped.
enum AuditBatch {
    static func records(in body: ByteBuffer) throws(IAMError) -> [QueuedAuditRecord] {
        do {
            return try body.withUnsafeReadableBytes { raw in
                try JSONReader.read(raw.bindMemory(to: UInt8.self)) { reader in try records(&reader, raw) }
            }
        } catch let error as IAMError {
            throw error
        } catch {
            throw IAMError(.bind, "malformed JSON at \(error)")
        }
    }

    private static func records(_ reader: inout JSONReader, _ document: UnsafeRawBufferPointer) throws -> [QueuedAuditRecord] {
        try expect(.object, &reader, else: IAMError(.bind, "body must be a JSON object"))
        var records: [QueuedAuditRecord]?
        try reader.readObject { reader, key in
            guard key == "records" else { return try reader.skipValue() }
            try expect(.array, &reader, else: shapeError("records"))
            var batch: [QueuedAuditRecord] = []
            try reader.readArray { reader, index in
                batch.append(try record(&reader, document, path: "records[\(index)]"))
            }
            records = batch
        }
        guard let records else { throw shapeError("records") }
        return records
    }

    private static func record(
        _ reader: inout JSONReader, _ document: UnsafeRawBufferPointer, path: @autoclosure () -> String
    ) throws -> QueuedAuditRecord {
        guard let record = try AuditBatchText.record(&reader, document) else { throw shapeError(path()) }
        return record
    }

    /// Throws `error` unless the next value is of `kind`; where no value starts at all, the syntax error instead.
    private static func expect(_ kind: JSONReader.Kind, _ reader: inout JSONReader, else error: @autoclosure () -> IAMError) throws {
        guard reader.nextKind != kind else { return }
        if reader.nextKind == nil { try reader.skipValue() }
        throw error()
    }

    private static func shapeError(_ path: String) -> IAMError {
        path == "records"
            ? IAMError(.bind, "records must be an array of {\"id\":\"…\",\"record\":{…}}")
            : IAMError(.bind, "\(path) must be {\"id\": a string of 1-\(AuditBatchText.maxIDBytes) bytes, \"record\": an object}")
    }
}
