public import BalancerConfiguration

/// What to do with a request: send it to a backend, or answer it here.
public enum RouteDecision: Sendable {
    case proxy(ProxyPlan)
    case respond(LocalResponse)
}

/// Where and how to forward a request.
public struct ProxyPlan: Sendable {
    public var backend: String
    /// The request target to send upstream.
    public var uri: String
    /// Header edits still to apply (nginx `proxy_set_header`; HAProxy's are applied while routing).
    public var headerEdits: [HeaderEdit]
    public var forwardedFor: ForwardedForOption?
    public var maxBodyBytes: Int
    /// nginx per-location timeouts and retry policy; nil uses the backend's.
    public var connectTimeout: Duration?
    public var readTimeout: Duration?
    public var nextUpstream: NextUpstreamPolicy?
    public var errorPages: [Int: ErrorPageTarget]
    /// nginx sends `Host: $proxy_host` unless a header edit sets Host.
    public var hostHeader: String?

    public init(backend: String, uri: String) {
        self.backend = backend
        self.uri = uri
        self.headerEdits = []
        self.maxBodyBytes = Int.max
        self.errorPages = [:]
    }
}

/// A response the load balancer writes itself: redirects, `return`, denials, error pages.
public struct LocalResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: String
    public var closeConnection: Bool

    public init(status: Int, headers: [(String, String)] = [], body: String = "", closeConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.closeConnection = closeConnection
    }

    public static func == (lhs: LocalResponse, rhs: LocalResponse) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body && lhs.closeConnection == rhs.closeConnection
            && lhs.headers.map { "\($0.0):\($0.1)" } == rhs.headers.map { "\($0.0):\($0.1)" }
    }
}
