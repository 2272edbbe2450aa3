public import IAMConfiguration

/// One sink of `iam pump` (`pumps.NAME.*`, §3 of the reference).
public struct SinkConfiguration: Sendable, Equatable {
    public var name: String
    /// `csv`, `jsonl`, `postgres` (alias `archive`), `prometheus` or `stdout`; defaults to the name.
    public var type: String
    /// Seconds a write may take (0: no limit).
    public var timeoutSeconds = 0
    public var omitDetailedRecording = false
    /// `filters.usernames`: keep only these (empty: everyone).
    public var usernames: [String] = []
    /// `filters.skip_usernames` (also marmotedu/iam's effective key `skippedusernames`): drop these, checked first.
    public var skipUsernames: [String] = []
    /// `meta.*`: the sink's own settings (`csv_dir`, `listen_address`, `path`).
    public var meta: [String: String] = [:]

    public init(name: String) {
        self.name = name
        type = name
    }
}

/// Everything `iam pump` can be told.
public struct PumpConfiguration: Sendable, Equatable {
    /// `purge-delay`: seconds between rounds when the queue is empty.
    public var purgeDelaySeconds = 10
    /// `batch-size`: records taken from the queue per transaction, in whole batches as the authz servers sent them
    /// (at least one batch, however large).
    public var batchSize = 1000
    public var healthCheckAddress = "0.0.0.0:7070"
    public var healthCheckPath = "healthz"
    /// `omit-detailed-recording`: blank `policies` and `deciders` for every sink.
    public var omitDetailedRecording = false
    public var store = ""
    public var dataDirectory = "/var/lib/iam"
    public var logLevel = "info"
    /// `pumps.*`; empty means marmotedu/iam's default, one `csv` sink writing to `./analytics-data`.
    public var sinks: [SinkConfiguration] = []

    public init() {}

    /// The sinks to run.
    public var effectiveSinks: [SinkConfiguration] {
        if !sinks.isEmpty { return sinks }
        var csv = SinkConfiguration(name: "csv")
        csv.meta["csv_dir"] = "./analytics-data"
        return [csv]
    }

    public static let sinkTypes = ["csv", "jsonl", "postgres", "archive", "prometheus", "stdout"]

    static let settings: [Setting<PumpConfiguration>] = [
        .integer("purge-delay", "seconds between rounds while the queue is empty (default 10)", 1...3600) { $0.purgeDelaySeconds = $1 },
        .integer("batch-size", "records per queue transaction, in whole batches (default 1000)", 1...100_000) { $0.batchSize = $1 },
        .text("health-check-address", "HOST:PORT of /healthz (default 0.0.0.0:7070)") { $0.healthCheckAddress = $1 },
        .text("health-check-path", "health path (default healthz)") { $0.healthCheckPath = $1 },
        .bool("omit-detailed-recording", "blank policies and deciders for every sink (default false)") { $0.omitDetailedRecording = $1 },
        .text("store", "the apiservers' store: empty for SQLite under data-dir, sqlite:PATH or postgres://…") { $0.store = $1 },
        .text("data-dir", "directory of the embedded SQLite database (default /var/lib/iam)") { $0.dataDirectory = $1 },
        .logLevel { $0.logLevel = $1 },
    ]

    /// `pumps.NAME.FIELD` settings.
    @Sendable static func sinkSetting(_ configuration: inout PumpConfiguration, _ name: String, _ value: String) throws(ConfigurationError) -> Bool {
        let parts = name.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0] == "pumps", !parts[1].isEmpty else { return false }
        let sinkName = parts[1]
        let field = parts[2]
        let index: Int
        if let existing = configuration.sinks.firstIndex(where: { $0.name == sinkName }) {
            index = existing
        } else {
            configuration.sinks.append(SinkConfiguration(name: sinkName))
            index = configuration.sinks.count - 1
        }
        let list = value.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        switch field {
        case "type":
            guard sinkTypes.contains(value) else {
                throw ConfigurationError("pumps.\(sinkName).type \(value) is not supported; use one of \(sinkTypes.joined(separator: ", ")) (mongo, elasticsearch, kafka, influx and syslog are not built)")
            }
            configuration.sinks[index].type = value
        case "timeout":
            guard let seconds = Int(value), seconds >= 0 else { throw ConfigurationError("pumps.\(sinkName).timeout must be whole seconds >= 0, not \(value)") }
            configuration.sinks[index].timeoutSeconds = seconds
        case "omit-detailed-recording":
            guard let flag = Bool(value.lowercased()) else { throw ConfigurationError("pumps.\(sinkName).omit-detailed-recording must be true or false") }
            configuration.sinks[index].omitDetailedRecording = flag
        case "filters.usernames": configuration.sinks[index].usernames = list
        case "filters.skip_usernames", "filters.skippedusernames": configuration.sinks[index].skipUsernames = list
        case _ where field.hasPrefix("meta."): configuration.sinks[index].meta[String(field.dropFirst(5))] = value
        default:
            throw ConfigurationError("unknown pump setting pumps.\(sinkName).\(field); a pump has type, timeout, omit-detailed-recording, filters.usernames, filters.skip_usernames and meta.*")
        }
        return true
    }

    static let loader = SettingsLoader(
        command: "iam pump", environmentPrefix: "IAM_PUMP_", settings: settings, ignoredPrefixes: ["redis.", "log.", "mysql."],
        dynamic: sinkSetting)

    /// Defaults < YAML (`-c`) < `IAM_PUMP_*` < flags; then each sink is checked for what its type needs.
    public static func load(arguments: [String], environment: [String: String]) throws(ConfigurationError)
        -> (PumpConfiguration, SettingsLoader<PumpConfiguration>.Report)
    {
        let (configuration, report) = try loader.load(PumpConfiguration(), arguments: arguments, environment: environment)
        for sink in configuration.effectiveSinks {
            guard sinkTypes.contains(sink.type) else {
                throw ConfigurationError("pumps.\(sink.name): type \(sink.type) is not supported; set pumps.\(sink.name).type to one of \(sinkTypes.joined(separator: ", "))")
            }
            switch sink.type {
            case "csv" where sink.meta["csv_dir"] == nil, "jsonl" where sink.meta["dir"] == nil && sink.meta["csv_dir"] == nil:
                throw ConfigurationError("pumps.\(sink.name) needs meta.\(sink.type == "csv" ? "csv_dir" : "dir"): the directory of the hourly files")
            case "prometheus" where sink.meta["listen_address"] == nil:
                throw ConfigurationError("pumps.\(sink.name) needs meta.listen_address (HOST:PORT of its /metrics)")
            default: break
            }
        }
        return (configuration, report)
    }

    public static var keysHelp: String {
        loader.help + "\n  --pumps.NAME.type|timeout|omit-detailed-recording|filters.usernames|filters.skip_usernames|meta.KEY\n      one sink (csv: meta.csv_dir; jsonl: meta.dir; prometheus: meta.listen_address, meta.path; postgres; stdout)"
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
