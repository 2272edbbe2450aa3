import BalancerConfiguration
import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1

/// Where log lines go: a file, standard output/error, or a syslog socket. Shared by every event loop; each loop
/// hands it whole batches.
final class AccessLogSink: Sendable {
    private enum Target {
        case handle(FileHandle)
        case syslog(SyslogSocket, facility: Int)
    }

    private let target: NIOLockedValueBox<Target?>
    let destination: AccessLogDefinition.Destination?

    init(destination: AccessLogDefinition.Destination?) throws {
        self.destination = destination
        switch destination {
        case nil:
            target = NIOLockedValueBox(nil)
        case .standardOutput?:
            target = NIOLockedValueBox(.handle(FileHandle.standardOutput))
        case .standardError?:
            target = NIOLockedValueBox(.handle(FileHandle.standardError))
        case .file(let path)?:
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil) else {
                    throw AccessLogError(path: path, reason: "cannot create the file (does the directory exist and is it writable?)")
                }
            }
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw AccessLogError(path: path, reason: "cannot open it for writing")
            }
            handle.seekToEndOfFile()
            target = NIOLockedValueBox(.handle(handle))
        case .syslog(let address, let facility)?:
            target = NIOLockedValueBox(.syslog(try SyslogSocket(address: address), facility: SyslogSocket.facilityCode(facility)))
        }
    }

    func write(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        target.withLockedValue { target in
            switch target {
            case .handle(let handle)?:
                handle.write(Data(lines.joined().utf8))
            case .syslog(let socket, let facility)?:
                for line in lines { socket.send(line.dropLast(), facility: facility, severity: 6) }
            case nil:
                return
            }
        }
    }
}

struct AccessLogError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "access log \(path): \(reason)" }
}

/// One event loop's pending log lines, written out by the loop's sweep (every 250 ms) so the request path
/// never waits on the disk.
final class AccessLogBuffer: @unchecked Sendable {
    // Confined to its event loop.
    private var lines: [String] = []
    private let sinks: [String: AccessLogSink]
    private let stateLog: @Sendable (String) -> Void

    init(sinks: [String: AccessLogSink], stateLog: @escaping @Sendable (String) -> Void) {
        self.sinks = sinks
        self.stateLog = stateLog
    }

    private var pending: [String: [String]] = [:]
    private var clock = LogClock()

    func append(format: AccessLogDefinition, request: RequestContext?, facts: ResponseFacts, attempts: Int) {
        let line = AccessLogFormatter.line(format: format.format, request: request, facts: facts, attempts: attempts, clock: &clock)
        pending[facts.frontendName, default: []].append(line)
        if pending[facts.frontendName]!.count >= 256 { flush() }
    }

    /// Health and availability changes: always logged (HAProxy's `Server be/web2 is DOWN…`).
    func stateChange(_ message: String) { stateLog(message) }

    func flush() {
        guard !pending.isEmpty else { return }
        for (frontend, lines) in pending { sinks[frontend]?.write(lines) }
        pending.removeAll(keepingCapacity: true)
    }
}

/// Formats one request in HAProxy `httplog`/`tcplog` or an nginx `log_format`.
enum AccessLogFormatter {
    static func line(
        format: AccessLogDefinition.Format, request: RequestContext?, facts: ResponseFacts, attempts: Int, clock: inout LogClock
    ) -> String {
        var facts = facts
        let now = Date()
        let stamps = clock.stamps(now)
        switch format {
        case .template(let template):
            facts.timeLocal = stamps.nginx
            facts.timeISO8601 = stamps.iso8601
            guard let request else { return "-\n" }
            return request.render(template, extra: facts) + "\n"
        case .haproxyHTTP, .haproxyTCP:
            let client = request.map { "\($0.clientAddress):\($0.clientPort)" } ?? "-"
            let total = facts.requestNanoseconds / 1_000_000
            let upstream = facts.upstreamNanoseconds.map { String($0 / 1_000_000) } ?? "-1"
            let requestLine = request.map { "\"\($0.head.method.rawValue) \($0.head.uri) HTTP/\($0.head.version.major).\($0.head.version.minor)\"" } ?? "\"<BADREQ>\""
            let retries = max(0, attempts - 1)
            return "\(client) [\(stamps.haproxySecond).\(stamps.milliseconds)] \(facts.frontendName) \(facts.backendName)/\(facts.serverName) 0/0/0/\(upstream)/\(total) \(facts.status) \(facts.bodyBytesSent) - - ---- 0/0/0/0/\(retries) 0/0 \(requestLine)\n"
        }
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

/// Log time stamps, formatted once per second (one per event loop: no lock).
struct LogClock {
    struct Stamps {
        /// `22/Nov/2026:10:00:00 +0000` (nginx `$time_local`).
        var nginx: String
        /// `2026-11-22T10:00:00+00:00` (nginx `$time_iso8601`).
        var iso8601: String
        /// `22/Nov/2026:10:00:00` (HAProxy, before the milliseconds).
        var haproxySecond: String
        /// `000`…`999`.
        var milliseconds: String
    }

    private var second = Int.min
    private var cached = Stamps(nginx: "", iso8601: "", haproxySecond: "", milliseconds: "000")

    mutating func stamps(_ now: Date) -> Stamps {
        let seconds = now.timeIntervalSince1970
        let whole = Int(seconds.rounded(.down))
        if whole != second {
            second = whole
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone.current
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
            let offset = TimeZone.current.secondsFromGMT(for: now) / 60
            let sign = offset < 0 ? "-" : "+"
            let date = "\(two(c.day))/\(AccessLogFormatter.months[(c.month ?? 1) - 1])/\(c.year ?? 0)"
            let time = "\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
            cached.nginx = "\(date):\(time) \(sign)\(two(abs(offset) / 60))\(two(abs(offset) % 60))"
            cached.haproxySecond = "\(date):\(time)"
            cached.iso8601 = "\(c.year ?? 0)-\(two(c.month))-\(two(c.day))T\(time)\(sign)\(two(abs(offset) / 60)):\(two(abs(offset) % 60))"
        }
        let millis = Int((seconds - Double(whole)) * 1000)
        cached.milliseconds = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : String(min(millis, 999))
        return cached
    }

    private func two(_ value: Int?) -> String {
        let v = value ?? 0
        return v < 10 ? "0\(v)" : String(v)
    }
}
