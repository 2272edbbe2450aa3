import Foundation
import IAMResources
import PolicyEngine
import Synchronization

/// The local append-only file audit records wait in while no apiserver takes them (or takes them more slowly than
/// decisions make them): one line per batch, the request body it was or will be sent as (``AuditBatchBody``),
/// written and fsynced before the batch counts as kept. (Files of earlier versions hold one record per line;
/// a replay groups those.) Replay renames the file aside (`….replaying`, so new records start a fresh file), reads
/// it in chunks, remembers how far it got in `….replaying.offset`, and deletes it at the end; a replay interrupted
/// by a crash resumes from the last remembered chunk and sends its batches unchanged (the queue skips a batch it
/// already has).
final class AuditSpool: Sendable {
    struct SpoolError: Error, CustomStringConvertible {
        let description: String
    }

    let path: String
    /// Appends and the rename that starts a replay exclude each other: a line is never written to a file that is
    /// being replayed (and deleted).
    private let activeFile = Mutex<Void>(())

    init(path: String) {
        self.path = path
    }

    var replayPath: String { path + ".replaying" }
    var offsetPath: String { path + ".replaying.offset" }

    /// Whether anything waits to be replayed.
    var hasRecords: Bool {
        FileManager.default.fileExists(atPath: replayPath) || Self.size(path) > 0
    }

    /// Appends batches, one line each, and fsyncs.
    func append(_ batches: [AuditBatchBody]) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(batches.reduce(0) { $0 + $1.bytes.count + 1 })
        for batch in batches {
            bytes += batch.bytes
            bytes.append(0x0A)
        }
        try activeFile.withLock { _ throws in try Self.write(bytes, to: path, flags: O_WRONLY | O_APPEND | O_CREAT) }
    }

    /// Starts (or resumes) a replay; false when there is nothing to replay.
    func beginReplay() throws -> Bool {
        if FileManager.default.fileExists(atPath: replayPath) { return true }
        let moved = try activeFile.withLock { _ throws -> Bool in
            guard Self.size(path) > 0 else { return false }
            guard rename(path, replayPath) == 0 else { throw Self.error("cannot move the audit spool \(path) aside") }
            return true
        }
        guard moved else { return false }
        try commit(offset: 0)
        return true
    }

    /// The next complete lines of the file being replayed, at most about `maxBytes`, and the offset after them;
    /// nil at the end (a torn last line from a crash mid-write is skipped).
    func nextChunk(maxBytes: Int) throws -> (lines: [String], end: UInt64)? {
        let offset = (try? String(contentsOfFile: offsetPath, encoding: .utf8)).flatMap { UInt64($0) } ?? 0
        guard let handle = FileHandle(forReadingAtPath: replayPath) else { return nil }
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        var data = try handle.read(upToCount: maxBytes) ?? Data()
        guard !data.isEmpty else { return nil }
        // Finish the line the chunk cut, however long (a batch's line can be longer than `maxBytes`).
        while data.last != 0x0A, let more = try handle.read(upToCount: 1 << 20), !more.isEmpty {
            data.append(more)
            if more.contains(0x0A) { break }
        }
        guard let lastNewline = data.lastIndex(of: 0x0A) else { return nil }
        let complete = data[data.startIndex...lastNewline]
        return (complete.withUnsafeBytes(Self.lines), offset + UInt64(complete.count))
    }

    /// The non-empty lines of `bytes`, found with `memchr` (`Data.split` cost more than the rest of a replay).
    private static func lines(_ bytes: UnsafeRawBufferPointer) -> [String] {
        guard let base = bytes.baseAddress else { return [] }
        var lines: [String] = []
        var start = 0
        while start < bytes.count {
            let newline = memchr(base + start, 0x0A, bytes.count - start).map { UnsafeRawPointer($0) - base } ?? bytes.count
            if newline > start { lines.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<newline]), as: UTF8.self)) }
            start = newline + 1
        }
        return lines
    }

    /// Remembers that everything before `offset` was delivered.
    func commit(offset: UInt64) throws {
        try Self.write(Array(String(offset).utf8), to: offsetPath, flags: O_WRONLY | O_CREAT | O_TRUNC)
    }

    /// Ends a replay whose lines were all delivered.
    func finishReplay() {
        unlink(replayPath)
        unlink(offsetPath)
    }

    private static func size(_ path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    private static func error(_ what: String) -> SpoolError {
        SpoolError(description: "\(what): \(String(cString: strerror(errno)))")
    }

    private static func write(_ bytes: [UInt8], to path: String, flags: Int32) throws {
        let descriptor = open(path, flags | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw error("cannot open the audit spool \(path)") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw error("cannot write the audit spool \(path)")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw error("cannot fsync the audit spool \(path)") }
    }
}
