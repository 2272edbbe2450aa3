public import IAMResources

/// Where `iam pump` delivers audit records. A write either stores the whole batch or throws.
public protocol AuditSink: Sendable {
    func write(_ records: [AuditRecord]) async throws
}

/// A sink with its settings applied around it: filters, detail omission, timeout.
struct ConfiguredSink: Sendable {
    let configuration: SinkConfiguration
    /// Nil for the archive, which the store writes in the queue's transaction.
    let sink: (any AuditSink)?
    /// The pump-wide `omit-detailed-recording`.
    let omitDetailedEverywhere: Bool

    /// The records this sink receives: `skip_usernames` first, then `usernames`, then detail omission.
    func select(_ records: [AuditRecord]) -> [AuditRecord] {
        let skip = Set(configuration.skipUsernames)
        let only = Set(configuration.usernames)
        let omit = omitDetailedEverywhere || configuration.omitDetailedRecording
        return records.compactMap { record in
            if skip.contains(record.username) { return nil }
            if !only.isEmpty, !only.contains(record.username) { return nil }
            guard omit else { return record }
            var blanked = record
            blanked.policies = ""
            blanked.deciders = ""
            return blanked
        }
    }

    /// Writes within the sink's timeout.
    func write(_ records: [AuditRecord]) async throws {
        let selected = select(records)
        guard let sink, !selected.isEmpty else { return }
        guard configuration.timeoutSeconds > 0 else {
            try await sink.write(selected)
            return
        }
        let seconds = configuration.timeoutSeconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sink.write(selected) }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw SinkTimeout(seconds: seconds)
            }
            // A group does not cancel its other children when the body throws: cut the slow write off explicitly.
            do {
                try await group.next()
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }
}

struct SinkTimeout: Error, CustomStringConvertible {
    let seconds: Int
    var description: String { "the write took longer than its timeout of \(seconds) s" }
}
