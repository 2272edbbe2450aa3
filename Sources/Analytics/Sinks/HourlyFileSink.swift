public import Foundation
public import IAMResources

/// The `csv` and `jsonl` sinks: one file per hour, `<dir>/<year>-<MonthName>-<day>-<hour>.<ext>` (marmotedu/iam's
/// name, e.g. `2021-July-5-14.csv`, UTC), appended to and flushed to disk per batch.
public actor HourlyFileSink: AuditSink {
    public enum Format: Sendable {
        /// Header `TimeStamp,Username,…,ExpireAt` (marmotedu/iam's Go field names), RFC 4180 quoting.
        case csv
        /// One JSON object per line with §2.5's field names.
        case jsonLines
    }

    let directory: String
    let format: Format
    private let now: @Sendable () -> Date

    public init(directory: String, format: Format, now: @escaping @Sendable () -> Date = Date.init) {
        self.directory = directory
        self.format = format
        self.now = now
    }

    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                         "November", "December"]

    /// The file a batch written at `date` goes to.
    public func path(at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour], from: date)
        let name = "\(parts.year!)-\(Self.months[parts.month! - 1])-\(parts.day!)-\(parts.hour!)"
        return directory + "/" + name + (format == .csv ? ".csv" : ".jsonl")
    }

    public func write(_ records: [AuditRecord]) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = path(at: now())
        let isNew = !FileManager.default.fileExists(atPath: path)
        var text = ""
        if isNew, format == .csv { text += "TimeStamp,Username,Effect,Conclusion,Request,Policies,Deciders,ExpireAt\n" }
        for record in records {
            switch format {
            case .csv:
                text += [String(record.timestamp), record.username, record.effect, record.conclusion, record.request,
                         record.policies, record.deciders, record.expireAt].map(Self.csvField).joined(separator: ",") + "\n"
            case .jsonLines:
                text += record.json + "\n"
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) ?? {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else {
            throw SinkError("cannot open \(path) for writing")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A sink could not store a batch.
public struct SinkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
