/// The settings of one HAProxy `defaults`, `frontend`, `backend` or `listen` section as written, before they become
/// the model. A section starts as a copy of the preceding `defaults`.
struct HAProxySection {
    enum Kind: String {
        case defaults, frontend, backend, listen

        var hasFrontend: Bool { self == .frontend || self == .listen || self == .defaults }
        var hasBackend: Bool { self == .backend || self == .listen || self == .defaults }
    }

    var kind: Kind
    var name: String
    var location: SourceLocation
    var mode: ProxyMode = .http
    var binds: [Bind] = []
    var balance: BalanceAlgorithm = .roundRobin
    var servers: [ServerDefinition] = []
    var serverDefaults: ServerDefinition
    var forwardedFor: ForwardedForOption?
    var redispatch = false
    var httpServerClose = false
    var httpLog = false
    var tcpLog = false
    var dontLogNull = false
    var logGlobal = false
    var logTargets: [AccessLogDefinition.Destination] = []
    var healthCheck: HealthCheckKind = .tcpConnect
    var expectedStatuses: ClosedRange<Int>?
    var retries = 3
    var timeouts: [String: Duration] = [:]
    var acls: [String: [ACLMatcher]] = [:]
    var router: RuleRouter
    var cookie: CookiePersistence?

    init(kind: Kind, name: String, location: SourceLocation, inheriting defaults: HAProxySection?) {
        if var inherited = defaults {
            inherited.kind = kind
            inherited.name = name
            inherited.location = location
            inherited.router.location = location
            // Rules, ACLs, servers and binds are never inherited from defaults.
            inherited.binds = []
            inherited.servers = []
            inherited.acls = [:]
            let defaultBackend = inherited.router.defaultBackend
            inherited.router = RuleRouter(location: location)
            inherited.router.defaultBackend = defaultBackend
            inherited.router.forwardedFor = inherited.forwardedFor
            self = inherited
            return
        }
        self.kind = kind
        self.name = name
        self.location = location
        self.serverDefaults = ServerDefinition(name: "", host: "", port: 0, location: location)
        self.router = RuleRouter(location: location)
    }
}

/// HAProxy keywords that only tune HAProxy's own process: accepted and listed as ignored.
enum HAProxyIgnored {
    static let global: [String: String] = [
        "chroot": "iam lb does not chroot; run it under systemd with the sandboxing you want",
        "pidfile": "iam lb stays in the foreground; the service manager tracks its PID",
        "user": "run iam lb as the user you want (systemd User=)", "group": "run iam lb as the group you want",
        "uid": "run iam lb as the user you want", "gid": "run iam lb as the group you want",
        "daemon": "iam lb stays in the foreground", "master-worker": "iam lb is one process",
        "nbproc": "iam lb is one process with event loops (--event-loops)", "ulimit-n": "set LimitNOFILE in the unit",
        "cpu-map": "CPU pinning is left to the OS", "stats": "the runtime socket is not supported; metrics are on the admin listener",
        "spread-checks": "checks are already spread", "description": "informational", "node": "informational",
        "hard-stop-after": "graceful stop uses the drain timeout", "ssl-default-bind-ciphers": "TLS defaults are swift-nio-ssl's",
        "ssl-default-bind-options": "TLS defaults are swift-nio-ssl's", "ssl-default-server-ciphers": "TLS defaults are swift-nio-ssl's",
        "ssl-default-server-options": "TLS defaults are swift-nio-ssl's", "ssl-dh-param-file": "ECDHE is used; no DH parameters",
        "ca-base": "give certificate paths in full", "crt-base": "give certificate paths in full", "quiet": "informational",
        "log-send-hostname": "log lines carry no hostname", "log-tag": "informational",
    ]

    static let proxy: [String: String] = [
        "http-reuse": "idle upstream connections are always reused safely",
        "fullconn": "dynamic maxconn is not used", "backlog": "the OS default listen backlog is used",
        "description": "informational", "stats": "the stats page is served on the admin listener",
        "monitor-uri": "use the admin listener's /healthz", "compression": "responses pass through unchanged",
        "errorfile": "built-in HAProxy-style error pages are used", "log-tag": "informational",
        "hash-type": "hash-based balancing always uses consistent (rendezvous) hashing",
        "email-alert": "not supported; use the metrics", "unique-id-format": "not supported",
        "capture": "captures are not logged",
    ]

    static let options: [String: String] = [
        "abortonclose": "a request is cancelled upstream when its client goes away",
        "log-health-checks": "health state changes are always logged", "splice-auto": "kernel splicing is not used",
        "splice-request": "kernel splicing is not used", "splice-response": "kernel splicing is not used",
        "tcp-smart-accept": "socket tuning is automatic", "tcp-smart-connect": "socket tuning is automatic",
        "tcpka": "TCP keepalive probes are not configured", "clitcpka": "TCP keepalive probes are not configured",
        "srvtcpka": "TCP keepalive probes are not configured", "http-buffer-request": "bodies are streamed",
        "allbackups": "the first backup server takes traffic", "contstats": "counters are updated continuously",
        "http-pretend-keepalive": "upstream keep-alive is used", "independent-streams": "timeouts are per direction",
        "socket-stats": "per-listener metrics are always on", "log-separate-errors": "errors log at the same level",
        "http-use-htx": "always HTTP-aware", "httpclose": "use option http-server-close",
    ]
}
