import Foundation
public import IAMConfiguration

/// Everything `iam authz` can be told. Read from flags, `IAM_AUTHZ_*` variables and an optional YAML file.
public struct AuthzConfiguration: Sendable, Equatable {
    /// `insecure.*`: where decisions are served (marmotedu/iam's shipped 127.0.0.1:9090).
    public var bindAddress = "127.0.0.1"
    public var bindPort = 9090
    /// `apiserver`: the apiservers (or the load balancer in front of them) whose change feed this server follows and
    /// which take its audit records, tried in order, the next one on failure.
    public var apiservers = ["http://127.0.0.1:8080"]
    /// `cluster.token`: the apiservers' `cluster.token`.
    public var clusterToken = ""
    /// `server.max-body-bytes`: larger `POST /v1/authz` bodies get 413.
    public var maxBodyBytes = 64 << 10
    /// `server.token-cache-size`: verified tokens remembered per event loop (0: verify every request).
    public var tokenCacheSize = 4096
    /// `server.event-loops`: threads serving decisions (0: one per core, SwiftNIO's shared group).
    public var eventLoops = 0
    public var enableMetrics = true
    /// `feed.wait`: seconds a change-feed long poll is held open; also the longest a silently lost apiserver goes
    /// unnoticed, so the snapshot-age metric stays below it while all is well.
    public var feedWaitSeconds = 5
    /// `analytics.enable`: write an audit record per decision.
    public var analyticsEnabled = true
    /// `analytics.flush-interval`: the longest a record waits for its batch to fill, in milliseconds (1–1000).
    public var flushIntervalMilliseconds = 200
    /// `analytics.records-buffer-size`: records per batch.
    public var recordsPerBatch = 2000
    /// `analytics.enable-detailed-recording`: include every candidate policy in each record (large: all of the
    /// owner's policies per decision). Deciders are always recorded.
    public var detailedRecording = false
    /// `analytics.spool-file`: where records wait while no apiserver takes them (default `<data-dir>/authz-audit.spool`).
    public var spoolFile = ""
    /// `data-dir`.
    public var dataDirectory = "/var/lib/iam"
    public var logLevel = "info"

    public init() {}

    /// The spool file to use.
    public var effectiveSpoolFile: String { spoolFile.isEmpty ? dataDirectory + "/authz-audit.spool" : spoolFile }

    static let settings: [Setting<AuthzConfiguration>] = [
        .text("insecure.bind-address", "decision listener address (default 127.0.0.1)") { $0.bindAddress = $1 },
        .port("insecure.bind-port", "decision listener port, auto for any free one (default 9090)") { $0.bindPort = $1 },
        Setting(name: "apiserver", help: "comma-separated apiserver URLs to follow, tried in order (default http://127.0.0.1:8080)") {
            (configuration, value) throws(ConfigurationError) in
            let urls = value.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty }
            guard !urls.isEmpty else { throw ConfigurationError("apiserver needs at least one URL") }
            for url in urls where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                throw ConfigurationError("apiserver \(url) must start with http:// or https://")
            }
            configuration.apiservers = urls.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        },
        .clusterToken("the apiservers' cluster.token (required)") { $0.clusterToken = $1 },
        .integer("server.max-body-bytes", "largest POST /v1/authz body, larger gets 413 (default 65536)", 256...(16 << 20)) { $0.maxBodyBytes = $1 },
        .integer("server.token-cache-size", "verified tokens remembered per event loop, re-checked against the clock on each use; 0 verifies every request (default 4096)", 0...1_000_000) { $0.tokenCacheSize = $1 },
        .integer("server.event-loops", "threads serving decisions; 0 is one per core (default 0)", 0...256) { $0.eventLoops = $1 },
        .bool("feature.enable-metrics", "serve Prometheus /metrics (default true)") { $0.enableMetrics = $1 },
        .integer("feed.wait", "seconds a change-feed long poll stays open (default 5)", 1...60) { $0.feedWaitSeconds = $1 },
        .bool("analytics.enable", "write an audit record per decision (default true)") { $0.analyticsEnabled = $1 },
        .integer("analytics.flush-interval", "longest wait in milliseconds for an audit batch to fill before it is sent (default 200)", 1...1000) { $0.flushIntervalMilliseconds = $1 },
        .integer("analytics.records-buffer-size", "audit records per batch (default 2000)", 1...100_000) { $0.recordsPerBatch = $1 },
        .bool("analytics.enable-detailed-recording", "record every candidate policy, not only the deciders (default false)") { $0.detailedRecording = $1 },
        .text("analytics.spool-file", "where audit records wait while no apiserver is reachable (default <data-dir>/authz-audit.spool)") { $0.spoolFile = $1 },
        .text("data-dir", "directory of the audit spool (default /var/lib/iam)") { $0.dataDirectory = $1 },
        .logLevel { $0.logLevel = $1 },
    ]

    /// marmotedu/iam keys with no meaning here (gRPC + Redis are replaced by the change feed; TLS is the load
    /// balancer's job): accepted and reported.
    static let ignoredPrefixes = ["rpcserver", "client-ca-file", "redis.", "grpc.", "log.", "server.mode", "server.healthz",
                                  "server.middlewares", "server.max-ping-count", "feature.profiling", "secure.",
                                  "analytics.pool-size", "analytics.storage-expiration-time"]

    static let loader = SettingsLoader(
        command: "iam authz", environmentPrefix: "IAM_AUTHZ_", settings: settings, ignoredPrefixes: ignoredPrefixes)

    /// Defaults < YAML (`-c`) < `IAM_AUTHZ_*` < flags. Fails when `cluster.token` is missing.
    public static func load(arguments: [String], environment: [String: String]) throws(ConfigurationError)
        -> (AuthzConfiguration, SettingsLoader<AuthzConfiguration>.Report)
    {
        let (configuration, report) = try loader.load(AuthzConfiguration(), arguments: arguments, environment: environment)
        guard !configuration.clusterToken.isEmpty else {
            throw ConfigurationError("iam authz needs cluster.token (--cluster.token or IAM_AUTHZ_CLUSTER_TOKEN): the same value as the apiservers' cluster.token")
        }
        return (configuration, report)
    }

    public static var keysHelp: String { loader.help }
}
