/// How a backend picks a server for a request or connection.
public enum BalanceAlgorithm: Sendable, Equatable {
    /// Smooth weighted round robin (HAProxy `roundrobin`, nginx's default).
    case roundRobin
    /// Weighted round robin in a fixed order (HAProxy `static-rr`).
    case staticRoundRobin
    /// Fewest active connections relative to weight (HAProxy `leastconn`, nginx `least_conn`).
    case leastConnections
    /// The first server (in declaration order) with a free connection slot (HAProxy `first`).
    case first
    /// Weighted random, best of two draws (HAProxy `random`).
    case random
    /// A hash of a request property; the same key keeps the same server while it is up.
    case hash(HashKey)
}

/// What a hash-based algorithm hashes.
public enum HashKey: Sendable, Equatable {
    /// Client address (HAProxy `source`, nginx `ip_hash` — which hashes the first three octets of IPv4).
    case sourceAddress(ipv4Prefix24: Bool)
    /// Request path, or path and query with `whole` (HAProxy `uri`).
    case uri(includeQuery: Bool)
    /// A query-string parameter (HAProxy `url_param NAME`); requests without it fall back to round robin.
    case urlParameter(String)
    /// A request header (HAProxy `hdr(NAME)`); requests without it fall back to round robin.
    case header(String)
    /// An nginx `hash KEY` template such as `$request_uri`.
    case template(ValueTemplate)
}

/// An active health check.
public enum HealthCheckKind: Sendable, Equatable {
    /// The server accepts a TCP connection.
    case tcpConnect
    /// An HTTP request answered with an expected status.
    case http(method: String, path: String, host: String?, expectedStatuses: ClosedRange<Int>)
}

/// One server of a backend.
public struct ServerDefinition: Sendable {
    public var name: String
    public var host: String
    public var port: Int
    public var weight: Int = 1
    public var isBackup = false
    public var isDisabled = false
    /// Concurrent connections at most (0 = unlimited).
    public var maxConnections = 0
    /// HAProxy `cookie VALUE` for cookie persistence.
    public var cookie: String?
    /// Whether active checks run (HAProxy `check`).
    public var checks = false
    public var checkInterval: Duration = .seconds(2)
    public var checkFastInterval: Duration?
    public var checkDownInterval: Duration?
    public var rise = 2
    public var fall = 3
    /// Passive accounting (nginx `max_fails`/`fail_timeout`): this many failed attempts within `failTimeout`
    /// make the server unavailable for `failTimeout`. 0 turns it off.
    public var maxFails = 0
    public var failTimeout: Duration = .seconds(10)
    public var location: SourceLocation

    public init(name: String, host: String, port: Int, location: SourceLocation) {
        self.name = name
        self.host = host
        self.port = port
        self.location = location
    }

    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Cookie persistence (HAProxy `cookie NAME insert|rewrite|prefix [indirect] [nocache]`).
public struct CookiePersistence: Sendable, Equatable {
    public enum Mode: String, Sendable { case insert, rewrite, prefix }
    public var name: String
    public var mode: Mode
    public var indirect: Bool
    public var nocache: Bool

    public init(name: String, mode: Mode, indirect: Bool, nocache: Bool) {
        self.name = name
        self.mode = mode
        self.indirect = indirect
        self.nocache = nocache
    }
}

/// When a failed attempt is tried again on another server (nginx `proxy_next_upstream`; HAProxy `retries`
/// cover connection failures).
public struct NextUpstreamPolicy: Sendable, Equatable {
    public var onError = true
    public var onTimeout = true
    public var onInvalidHeader = false
    public var onStatuses: Set<Int> = []
    /// nginx `non_idempotent`: also retry POST/LOCK/PATCH after the request was sent.
    public var nonIdempotent = false
    /// Attempts in all (0 = as many as there are servers).
    public var tries = 0

    public init() {}

    public static let never: NextUpstreamPolicy = {
        var policy = NextUpstreamPolicy()
        policy.onError = false
        policy.onTimeout = false
        return policy
    }()
}

/// A pool of servers and how requests are spread over it.
public struct Backend: Sendable {
    public var name: String
    public var location: SourceLocation
    public var mode: ProxyMode
    public var algorithm: BalanceAlgorithm = .roundRobin
    public var servers: [ServerDefinition] = []
    public var healthCheck: HealthCheckKind = .tcpConnect
    /// Connection attempts after the first (HAProxy `retries`, default 3).
    public var retries = 3
    /// Later attempts may go to another server (HAProxy `option redispatch`; always true for nginx).
    public var redispatch = false
    public var nextUpstream = NextUpstreamPolicy()
    public var connectTimeout: Duration = .seconds(5)
    /// How long a request waits for a server with a free slot when every available server is at its `maxconn`
    /// (HAProxy `timeout queue`, defaulting to `timeout connect`); then 503. Nil: no queue (nginx), 503 at once.
    public var queueTimeout: Duration?
    /// Time to wait for the server's response (HAProxy `timeout server`, nginx `proxy_read_timeout`) → 504.
    public var serverTimeout: Duration = .seconds(60)
    public var checkTimeout: Duration?
    /// Idle upstream connections kept per server and event loop (HAProxy keeps every idle connection it can reuse;
    /// nginx `keepalive N` sets it for an upstream).
    public var idleConnectionsPerServer = 1024
    /// Close the upstream connection after each response (HAProxy `option http-server-close`).
    public var closeAfterResponse = false
    public var cookie: CookiePersistence?
    /// nginx sends `Host: $proxy_host` unless `proxy_set_header Host` says otherwise; HAProxy passes the
    /// client's Host through.
    public var hostHeaderOverride: String?
    /// HAProxy `http-request` rules written in the backend: run after the frontend's, once this backend is chosen.
    public var requestRules: [ConditionalRule<RequestAction>] = []
    /// HAProxy `option forwardfor` in the backend.
    public var forwardedFor: ForwardedForOption?

    public init(name: String, location: SourceLocation, mode: ProxyMode) {
        self.name = name
        self.location = location
        self.mode = mode
    }
}
