import IAMConfiguration

/// One setting of `iam apiserver`: its dotted name (the flag `--NAME`, the YAML path and, upper-cased with `.` and
/// `-` as `_`, the `IAM_APISERVER_` environment variable), what it holds and how to apply it.
struct ConfigurationKey: Sendable {
    let name: String
    let help: String
    let apply: @Sendable (inout APIServerConfiguration, String) throws(ConfigurationError) -> Void

    var environmentName: String {
        "IAM_APISERVER_" + String(name.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 })
    }

    /// Every key `iam apiserver` understands.
    static let all: [ConfigurationKey] = [
        text("insecure.bind-address", "plain HTTP listen address (default 127.0.0.1)") { $0.insecureBindAddress = $1 },
        port("insecure.bind-port", "plain HTTP port, 0 to disable, auto for any free one (default 8080)") { $0.insecureBindPort = $1 },
        text("secure.bind-address", "HTTPS listen address (default 0.0.0.0)") { $0.secureBindAddress = $1 },
        port("secure.bind-port", "HTTPS port, 0 to disable, auto for any free one (default 8443)") { $0.secureBindPort = $1 },
        text("secure.tls.cert-key.cert-file", "PEM certificate chain for HTTPS") { $0.secureCertFile = $1 },
        text("secure.tls.cert-key.private-key-file", "PEM private key for HTTPS") { $0.securePrivateKeyFile = $1 },
        text("jwt.realm", "realm in WWW-Authenticate (default \"iam jwt\")") { $0.jwtRealm = $1 },
        ConfigurationKey(name: "jwt.key", help: "HMAC key of login tokens, 6-32 characters (default: random per start)") {
            (configuration, value) throws(ConfigurationError) in
            guard (6...32).contains(value.count) else {
                throw ConfigurationError("jwt.key must be 6 to 32 characters long (it has \(value.count))")
            }
            configuration.jwtKey = value
        },
        duration("jwt.timeout", "login token lifetime, e.g. 24h (default 1h)") { $0.jwtTimeoutSeconds = $1 },
        duration("jwt.max-refresh", "how long after login a token may be refreshed (default 1h)") { $0.jwtMaxRefreshSeconds = $1 },
        bool("server.healthz", "serve /healthz (default true)") { $0.healthz = $1 },
        integer("server.max-body-bytes", "largest request body, larger gets 413 (default 1048576)", 1...(1 << 30)) { $0.maxBodyBytes = $1 },
        bool("server.self-registration", "let anyone create a non-admin user with POST /v1/users (default true)") { $0.selfRegistration = $1 },
        bool("feature.enable-metrics", "serve Prometheus /metrics (default true)") { $0.enableMetrics = $1 },
        text("store", "empty for embedded SQLite, sqlite:PATH, or postgres://USER:PASSWORD@HOST:PORT/DB") { $0.store = $1 },
        text("data-dir", "directory of the embedded SQLite database (default /var/lib/iam)") { $0.dataDirectory = $1 },
        integer("bcrypt-cost", "bcrypt cost of new password hashes (default 10)", 4...16) { $0.bcryptCost = $1 },
        ConfigurationKey(name: "cluster.token", help: "shared secret of the authz servers reading /internal/v1/ (16+ characters; unset: routes off)") {
            (configuration, value) throws(ConfigurationError) in
            guard value.count >= 16 else { throw ConfigurationError("cluster.token must be at least 16 characters long") }
            configuration.clusterToken = value
        },
        ConfigurationKey(name: "log.level", help: "trace, debug, info, notice, warning, error or critical (default info)") {
            (configuration, value) throws(ConfigurationError) in
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(value) else {
                throw ConfigurationError("log.level \(value) is not one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = value
        },
    ]

    /// marmotedu/iam keys that mean nothing here (MySQL, Redis, gRPC, gin modes): accepted and reported.
    static let ignoredPrefixes = ["mysql.", "redis.", "grpc.", "log.", "server.mode", "server.middlewares",
                                  "server.max-ping-count", "feature.profiling", "secure.tls.cert-dir", "secure.tls.pair-name"]

    private static func text(_ name: String, _ help: String, _ set: @escaping @Sendable (inout APIServerConfiguration, String) -> Void) -> ConfigurationKey {
        ConfigurationKey(name: name, help: help) { (configuration, value) throws(ConfigurationError) in set(&configuration, value) }
    }

    private static func integer(_ name: String, _ help: String, _ range: ClosedRange<Int>,
                                _ set: @escaping @Sendable (inout APIServerConfiguration, Int) -> Void) -> ConfigurationKey {
        ConfigurationKey(name: name, help: help) { (configuration, value) throws(ConfigurationError) in
            guard let number = Int(value), range.contains(number) else {
                throw ConfigurationError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(value)")
            }
            set(&configuration, number)
        }
    }

    /// A TCP port: 0 disables the listener (marmotedu/iam's rule), `auto` binds any free port (logged).
    private static func port(_ name: String, _ help: String, _ set: @escaping @Sendable (inout APIServerConfiguration, Int) -> Void) -> ConfigurationKey {
        let number = integer(name, help, 0...65535, set)
        return ConfigurationKey(name: name, help: help) { (configuration, value) throws(ConfigurationError) in
            if value == "auto" { set(&configuration, APIServerConfiguration.anyFreePort) } else { try number.apply(&configuration, value) }
        }
    }

    private static func bool(_ name: String, _ help: String, _ set: @escaping @Sendable (inout APIServerConfiguration, Bool) -> Void) -> ConfigurationKey {
        ConfigurationKey(name: name, help: help) { (configuration, value) throws(ConfigurationError) in
            switch value.lowercased() {
            case "true", "1", "yes", "on": set(&configuration, true)
            case "false", "0", "no", "off": set(&configuration, false)
            default: throw ConfigurationError("\(name) must be true or false, not \(value)")
            }
        }
    }

    private static func duration(_ name: String, _ help: String, _ set: @escaping @Sendable (inout APIServerConfiguration, Int64) -> Void) -> ConfigurationKey {
        ConfigurationKey(name: name, help: help) { (configuration, value) throws(ConfigurationError) in
            guard let seconds = GoDuration.seconds(value), seconds > 0 else {
                throw ConfigurationError("\(name) must be a positive duration like 24h, 90m or 3600s, not \(value)")
            }
            set(&configuration, seconds)
        }
    }
}

/// A configuration problem, naming the flag, variable or file and line.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
