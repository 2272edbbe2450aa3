public import IAMConfiguration

extension APIServerConfiguration {
    /// Every setting `iam apiserver` understands.
    static let settings: [Setting<APIServerConfiguration>] = [
        .text("insecure.bind-address", "plain HTTP listen address (default 127.0.0.1)") { $0.insecureBindAddress = $1 },
        .port("insecure.bind-port", "plain HTTP port, 0 to disable, auto for any free one (default 8080)") { $0.insecureBindPort = $1 },
        .text("secure.bind-address", "HTTPS listen address (default 0.0.0.0)") { $0.secureBindAddress = $1 },
        .port("secure.bind-port", "HTTPS port, 0 to disable, auto for any free one (default 8443)") { $0.secureBindPort = $1 },
        .text("secure.tls.cert-key.cert-file", "PEM certificate chain for HTTPS") { $0.secureCertFile = $1 },
        .text("secure.tls.cert-key.private-key-file", "PEM private key for HTTPS") { $0.securePrivateKeyFile = $1 },
        .text("jwt.realm", "realm in WWW-Authenticate (default \"iam jwt\")") { $0.jwtRealm = $1 },
        Setting(name: "jwt.key", help: "HMAC key of login tokens, 6-32 characters (default: random per start)") {
            (configuration, value) throws(ConfigurationError) in
            guard (6...32).contains(value.count) else {
                throw ConfigurationError("jwt.key must be 6 to 32 characters long (it has \(value.count))")
            }
            configuration.jwtKey = value
        },
        .duration("jwt.timeout", "login token lifetime, e.g. 24h (default 1h)") { $0.jwtTimeoutSeconds = $1 },
        .duration("jwt.max-refresh", "how long after login a token may be refreshed (default 1h)") { $0.jwtMaxRefreshSeconds = $1 },
        .bool("server.healthz", "serve /healthz (default true)") { $0.healthz = $1 },
        .integer("server.max-body-bytes", "largest request body, larger gets 413 (default 1048576)", 1...(1 << 30)) { $0.maxBodyBytes = $1 },
        .bool("server.self-registration", "let anyone create a non-admin user with POST /v1/users (default true)") { $0.selfRegistration = $1 },
        .bool("feature.enable-metrics", "serve Prometheus /metrics (default true)") { $0.enableMetrics = $1 },
        .text("store", "empty for embedded SQLite, sqlite:PATH, or postgres://USER:PASSWORD@HOST:PORT/DB") { $0.store = $1 },
        .text("data-dir", "directory of the embedded SQLite database (default /var/lib/iam)") { $0.dataDirectory = $1 },
        .integer("bcrypt-cost", "bcrypt cost of new password hashes (default 10)", 4...16) { $0.bcryptCost = $1 },
        .clusterToken("shared secret of the authz servers reading /internal/v1/ (16+ characters; unset: routes off)") { $0.clusterToken = $1 },
        .logLevel { $0.logLevel = $1 },
    ]

    /// marmotedu/iam keys that mean nothing here (MySQL, Redis, gRPC, gin modes): accepted and reported.
    static let ignoredPrefixes = ["mysql.", "redis.", "grpc.", "log.", "server.mode", "server.middlewares",
                                  "server.max-ping-count", "feature.profiling", "secure.tls.cert-dir", "secure.tls.pair-name"]

    static let loader = SettingsLoader(
        command: "iam apiserver", environmentPrefix: "IAM_APISERVER_", settings: settings, ignoredPrefixes: ignoredPrefixes)
}

