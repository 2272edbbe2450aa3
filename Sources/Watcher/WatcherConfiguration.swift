public import IAMConfiguration

/// Everything `iam watcher` can be told (§4 of the reference).
public struct WatcherConfiguration: Sendable, Equatable {
    public var healthCheckAddress = "0.0.0.0:5050"
    public var healthCheckPath = "healthz"
    /// `watcher.clean.max-reserve-days`: `policy_audit` rows older than this are deleted.
    public var maxReserveDays = 180
    /// `watcher.task.max-inactive-days`: users not seen for this long are disabled; 0 never.
    public var maxInactiveDays = 0
    /// `watcher.interval`: how often each job runs (marmotedu/iam meant `@every 1d`, which never scheduled).
    public var intervalSeconds: Int64 = 86_400
    public var store = ""
    public var dataDirectory = "/var/lib/iam"
    public var logLevel = "info"

    public init() {}

    static let settings: [Setting<WatcherConfiguration>] = [
        .text("health-check-address", "HOST:PORT of /healthz (default 0.0.0.0:5050)") { $0.healthCheckAddress = $1 },
        .text("health-check-path", "health path (default healthz)") { $0.healthCheckPath = $1 },
        .integer("watcher.clean.max-reserve-days", "delete policy_audit rows older than this many days (default 180)", 1...36_500) { $0.maxReserveDays = $1 },
        .integer("watcher.counter.max-reserve-days", "marmotedu/iam's flag name for watcher.clean.max-reserve-days", 1...36_500) { $0.maxReserveDays = $1 },
        .integer("watcher.task.max-inactive-days", "disable non-admin users inactive this many days; 0 never (default 0)", 0...36_500) { $0.maxInactiveDays = $1 },
        .duration("watcher.interval", "how often each job runs, e.g. 24h or 30m (default 24h)") { $0.intervalSeconds = $1 },
        .text("store", "the apiservers' store: empty for SQLite under data-dir, sqlite:PATH or postgres://…") { $0.store = $1 },
        .text("data-dir", "directory of the embedded SQLite database and the watcher's lock file (default /var/lib/iam)") { $0.dataDirectory = $1 },
        .logLevel { $0.logLevel = $1 },
    ]

    static let loader = SettingsLoader(
        command: "iam watcher", environmentPrefix: "IAM_WATCHER_", settings: settings, ignoredPrefixes: ["mysql.", "redis.", "log."])

    public static func load(arguments: [String], environment: [String: String]) throws(ConfigurationError)
        -> (WatcherConfiguration, SettingsLoader<WatcherConfiguration>.Report)
    {
        try loader.load(WatcherConfiguration(), arguments: arguments, environment: environment)
    }

    public static var keysHelp: String { loader.help }
}
