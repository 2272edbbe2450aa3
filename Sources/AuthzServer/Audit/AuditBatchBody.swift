/// One request body of `POST /internal/v1/audit`: `{"count":N,"records":[line, …]}`.
///
/// The apiserver queues a batch once, by its record ids in order, so a batch whose answer never came must be sent
/// again exactly as it was: a batch that is not delivered goes to the spool as its body, one line, and a replay
/// sends that line unchanged. (`count` is for the authz server's own counters; the apiserver skips it.)
struct AuditBatchBody: Sendable, Equatable {
    /// How many records the body holds.
    let count: Int
    /// The body, one line of JSON (audit lines contain no raw newline).
    let bytes: [UInt8]

    private static let countPrefix = "{\"count\":"

    private init(count: Int, bytes: [UInt8]) {
        self.count = count
        self.bytes = bytes
    }

    /// The lines (UTF-8) in order, as bodies of at most about `maxBytes` each (a single longer line is a body by
    /// itself).
    static func batches<Lines: Collection>(of lines: Lines, maxBytes: Int) -> [AuditBatchBody] where Lines.Element: Collection<UInt8> {
        var batches: [AuditBatchBody] = []
        var lines = lines[...]
        while !lines.isEmpty {
            var end = lines.startIndex
            var bytes = 32
            var count = 0
            while end != lines.endIndex, count == 0 || bytes + lines[end].count < maxBytes {
                bytes += lines[end].count + 1
                count += 1
                end = lines.index(after: end)
            }
            batches.append(body(lines[..<end], count: count, bytes: bytes))
            lines = lines[end...]
        }
        return batches
    }

    private static func body<Lines: Collection>(_ lines: Lines, count: Int, bytes: Int) -> AuditBatchBody
        where Lines.Element: Collection<UInt8> {
        var body: [UInt8] = []
        body.reserveCapacity(bytes)
        body += countPrefix.utf8
        body += String(count).utf8
        body += ",\"records\":[".utf8
        for (index, line) in lines.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += line
        }
        body += "]}".utf8
        return AuditBatchBody(count: count, bytes: body)
    }

    /// The bodies a spool chunk holds: each body line as it is, and runs of single-record lines (written by
    /// versions before batches were spooled whole) grouped as ``batches(of:maxBytes:)`` groups them, which gives
    /// the same bodies each time the same chunk is replayed.
    static func replayed(_ spoolLines: [String], maxBytes: Int) -> [AuditBatchBody] {
        var batches: [AuditBatchBody] = []
        var records: [String] = []
        for line in spoolLines {
            if let body = AuditBatchBody(spoolLine: line) {
                batches += Self.batches(of: records.map(\.utf8), maxBytes: maxBytes)
                records.removeAll()
                batches.append(body)
            } else {
                records.append(line)
            }
        }
        return batches + Self.batches(of: records.map(\.utf8), maxBytes: maxBytes)
    }

    /// A body line of the spool; nil for any other line.
    init?(spoolLine line: String) {
        guard line.hasPrefix(Self.countPrefix) else { return nil }
        let digits = line.utf8.dropFirst(Self.countPrefix.utf8.count).prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard let count = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
        self.init(count: count, bytes: Array(line.utf8))
    }
}
