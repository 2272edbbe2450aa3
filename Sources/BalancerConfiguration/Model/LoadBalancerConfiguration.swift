/// The configuration language a file is written in.
public enum ConfigurationDialect: String, Sendable, CaseIterable {
    case haproxy
    case nginx
}

/// What `iam lb` runs: listeners (frontends) that route requests to pools of servers (backends). Both dialects
/// parse into this one model; the engine knows nothing of either.
public struct LoadBalancerConfiguration: Sendable {
    public var dialect: ConfigurationDialect
    public var frontends: [Frontend]
    /// Backends by name. nginx `proxy_pass http://ADDR` to an address, not an upstream, gets a one-server backend
    /// named after the address.
    public var backends: [String: Backend]
    /// Global connection limit (HAProxy `global maxconn`, nginx `worker_connections`), if given.
    public var maxConnections: Int?
    /// Event loops requested by the file (HAProxy `nbthread`, nginx `worker_processes`), if given.
    public var eventLoops: Int?
    public var ignored: [IgnoredDirective]
    public var warnings: [ConfigurationWarning]

    public init(dialect: ConfigurationDialect) {
        self.dialect = dialect
        self.frontends = []
        self.backends = [:]
        self.ignored = []
        self.warnings = []
    }

    /// Reads a file in the given dialect, or detects the dialect from its content.
    public static func load(path: String, dialect: ConfigurationDialect? = nil) throws(BalancerConfigurationError)
        -> LoadBalancerConfiguration
    {
        let text = try ConfigurationFile.read(path, from: nil)
        let chosen = dialect ?? DialectDetector.detect(text)
        guard let chosen else {
            throw BalancerConfigurationError(
                SourceLocation(file: path, line: 1),
                "cannot tell whether this is an HAProxy or an nginx configuration",
                hint: "pass --dialect haproxy or --dialect nginx"
            )
        }
        switch chosen {
        case .haproxy: return try HAProxyParser(file: path, text: text).parse()
        case .nginx: return try NginxParser(file: path, text: text).parse()
        }
    }
}
