import IAMResources
import IAMStore
import NIOCore
import PolicyEngine

/// Reads the body of `POST /internal/v1/audit`, `{"records":[{"id":"…","record":{…}}, …]}`.
///
/// The records are not parsed into trees and written out again, nor copied one by one: at tens of thousands of
/// decisions a second that was most of the apiserver's work on this route. Each element is checked (valid JSON,
/// the shape above; other members are checked and skipped) and its id read; then the `records` array's text, as it
/// arrived, is the batch's stored text. Only when an id repeats is the array written anew without the repeats.
enum AuditBatch {
    static func batch(in body: ByteBuffer) throws(IAMError) -> AuditRecordBatch {
        do {
            return try body.withUnsafeReadableBytes { raw in
                try JSONReader.read(raw.bindMemory(to: UInt8.self)) { reader in try batch(&reader, raw) }
            }
        } catch let error as IAMError {
            throw error
        } catch {
            throw IAMError(.bind, "malformed JSON at \(error)")
        }
    }

    private static func batch(_ reader: inout JSONReader, _ document: UnsafeRawBufferPointer) throws -> AuditRecordBatch {
        try expect(.object, &reader, else: IAMError(.bind, "body must be a JSON object"))
        var batch: AuditRecordBatch?
        try reader.readObject { reader, key in
            guard key == "records" else { return try reader.skipValue() }
            try expect(.array, &reader, else: shapeError("records"))
            var elements: [(id: String, record: Range<Int>)] = []
            let array = try reader.readArray { reader, index in
                guard let element = try AuditBatchText.element(&reader) else { throw shapeError("records[\(index)]") }
                elements.append(element)
            }
            batch = Self.batch(elements, array: array, document)
        }
        guard let batch else { throw shapeError("records") }
        return batch
    }

    private static func batch(
        _ elements: [(id: String, record: Range<Int>)], array: Range<Int>, _ document: UnsafeRawBufferPointer
    ) -> AuditRecordBatch {
        var seen = Set<String>(minimumCapacity: elements.count)
        guard elements.allSatisfy({ seen.insert($0.id).inserted }) else {
            return AuditRecordBatch(elements.map { element in
                QueuedAuditRecord(id: element.id, json: text(document, element.record))
            })
        }
        return AuditRecordBatch(key: AuditBatchText.key(elements.lazy.map(\.id)), arrayText: text(document, array),
                                count: elements.count)
    }

    /// The reader checked the text: valid JSON, so valid UTF-8.
    private static func text(_ document: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: document[range]), as: UTF8.self)
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
