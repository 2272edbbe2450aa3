/// Whether a listener or backend speaks HTTP (routing, headers, pools) or relays TCP bytes.
public enum ProxyMode: String, Sendable {
    case http
    case tcp
}

/// An address to listen on: `host` nil means every address.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String?
    public var port: Int

    public init(host: String?, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        guard let host else { return "*:\(port)" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// One listening socket of a frontend.
public struct Bind: Sendable {
    public var address: ListenAddress
    /// Certificate files when the socket terminates TLS (`bind … ssl crt FILE`, nginx `listen … ssl`).
    public var tlsCertificates: [String]?
    /// nginx `listen … default_server`.
    public var isDefaultServer: Bool
    public var location: SourceLocation

    public init(address: ListenAddress, tlsCertificates: [String]? = nil, isDefaultServer: Bool = false, location: SourceLocation) {
        self.address = address
        self.tlsCertificates = tlsCertificates
        self.isDefaultServer = isDefaultServer
        self.location = location
    }
}

/// Which response pages the load balancer writes itself (502, 503, 504, 413, …): HAProxy's or nginx's.
public enum ErrorPageStyle: String, Sendable {
    case haproxy
    case nginx
}

/// Client-side limits and timers of a frontend.
public struct ClientLimits: Sendable {
    /// Largest request head (request line + headers); bigger gets 431.
    public var maxHeaderBytes: Int = 16 * 1024
    /// Time allowed to receive a complete request head (HAProxy `timeout http-request`, nginx
    /// `client_header_timeout`); 408 after it.
    public var requestHeaderTimeout: Duration = .seconds(60)
    /// Idle time allowed between requests on a kept-alive connection.
    public var keepAliveTimeout: Duration = .seconds(75)
    /// Idle time allowed while a request or response is in progress and the client sends nothing
    /// (HAProxy `timeout client`).
    public var clientTimeout: Duration = .seconds(60)

    public init() {}
}

/// A listener: sockets, the sites it serves, how it logs.
public struct Frontend: Sendable {
    public var name: String
    public var location: SourceLocation
    public var mode: ProxyMode
    public var binds: [Bind]
    /// Virtual hosts in the order they were declared; HAProxy frontends have one that takes every name.
    public var sites: [Site]
    /// `mode tcp`: where bytes go.
    public var tcpBackend: String?
    public var limits: ClientLimits
    public var errorPageStyle: ErrorPageStyle
    public var accessLog: AccessLogDefinition?

    public init(name: String, location: SourceLocation, mode: ProxyMode, errorPageStyle: ErrorPageStyle) {
        self.name = name
        self.location = location
        self.mode = mode
        self.binds = []
        self.sites = []
        self.limits = ClientLimits()
        self.errorPageStyle = errorPageStyle
    }
}

/// A virtual host: the names it answers to and how it routes requests.
public struct Site: Sendable {
    public var serverNames: [ServerNamePattern]
    /// Ports on which this site is the default (nginx `listen … default_server`); otherwise the first site
    /// declared for a port is its default, as in nginx.
    public var defaultForPorts: Set<Int>
    /// Ports the site listens on (nginx); empty means every port of the frontend.
    public var ports: Set<Int>
    public var router: Router
    public var location: SourceLocation

    public init(serverNames: [ServerNamePattern], defaultForPorts: Set<Int> = [], ports: Set<Int> = [], router: Router, location: SourceLocation) {
        self.serverNames = serverNames
        self.defaultForPorts = defaultForPorts
        self.ports = ports
        self.router = router
        self.location = location
    }
}

/// An nginx `server_name` entry.
public enum ServerNamePattern: Sendable {
    case exact(String)
    /// `*.example.com` (stored as `.example.com`).
    case leadingWildcard(String)
    /// `www.example.*` (stored as `www.example.`).
    case trailingWildcard(String)
    case regex(PatternRegex)
}

/// How requests are routed within a site.
public enum Router: Sendable {
    /// HAProxy: request rules, redirects, `use_backend` rules and a default backend, in HAProxy's order.
    case rules(RuleRouter)
    /// nginx: locations selected by nginx's order.
    case locations(LocationRouter)
}
