import Foundation
public import IAMResources

/// The `stdout` sink: one JSON line per record on standard output.
public struct StdoutSink: AuditSink {
    public init() {}

    public func write(_ records: [AuditRecord]) async throws {
        let text = records.map { $0.json + "\n" }.joined()
        try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }
}
