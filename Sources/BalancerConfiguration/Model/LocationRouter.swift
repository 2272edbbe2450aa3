/// How an nginx `location` matches the request path.
public enum LocationMatch: Sendable, CustomStringConvertible {
    /// `location = /x`
    case exact(String)
    /// `location /x`
    case prefix(String)
    /// `location ^~ /x`: a prefix that, when it is the longest, skips the regular expressions.
    case prefixSkippingRegexes(String)
    /// `location ~ re` / `location ~* re`
    case regex(PatternRegex)

    public var description: String {
        switch self {
        case .exact(let path): "= \(path)"
        case .prefix(let path): path
        case .prefixSkippingRegexes(let path): "^~ \(path)"
        case .regex(let regex): "\(regex.caseInsensitive ? "~*" : "~") \(regex.source)"
        }
    }
}

/// `proxy_pass`: the backend and nginx's URI rule.
public struct ProxyPass: Sendable {
    public var backend: String
    /// The URI part of `proxy_pass http://up/URI`; when present, the matched location prefix is replaced with
    /// it. nil passes the request URI unchanged.
    public var uri: String?
    /// The host:port or upstream name as written, for `$proxy_host`.
    public var proxyHost: String

    public init(backend: String, uri: String?, proxyHost: String) {
        self.backend = backend
        self.uri = uri
        self.proxyHost = proxyHost
    }
}

/// What a location does with a request.
public enum LocationAction: Sendable {
    case proxy(ProxyPass)
    /// `return CODE [TEXT]` or `return CODE URL` for redirects (301, 302, 303, 307, 308).
    case respond(status: Int, text: ValueTemplate?)
    /// No handler of its own: nginx would serve files from `root`.
    case staticFiles(root: String?)
}

/// Per-location settings that nginx inherits from the enclosing levels.
public struct ProxySettings: Sendable {
    public var headerEdits: [HeaderEdit] = []
    public var maxBodyBytes: Int = 1024 * 1024
    public var connectTimeout: Duration = .seconds(60)
    public var readTimeout: Duration = .seconds(60)
    public var sendTimeout: Duration = .seconds(60)
    public var nextUpstream = NextUpstreamPolicy()
    /// `error_page CODE… [=RESPONSE] URI`.
    public var errorPages: [Int: ErrorPageTarget] = [:]
    public var root: String? = "html"

    public init() {}
}

/// Where an `error_page` sends the client.
public struct ErrorPageTarget: Sendable {
    public var uri: String
    /// `=CODE`, or nil to keep the original status.
    public var replacementStatus: Int?

    public init(uri: String, replacementStatus: Int?) {
        self.uri = uri
        self.replacementStatus = replacementStatus
    }
}

/// An nginx `location`.
public struct Location: Sendable {
    public var match: LocationMatch
    public var action: LocationAction
    public var settings: ProxySettings
    public var nested: LocationRouter?
    public var location: SourceLocation

    public init(match: LocationMatch, action: LocationAction, settings: ProxySettings, nested: LocationRouter?, location: SourceLocation) {
        self.match = match
        self.action = action
        self.settings = settings
        self.nested = nested
        self.location = location
    }
}

/// The locations of an nginx `server`, chosen in nginx's order: an exact match wins; otherwise the longest prefix
/// is remembered; if it is `^~`, it wins; otherwise the first matching regular expression (in file order) wins;
/// otherwise the longest prefix.
public struct LocationRouter: Sendable {
    public var locations: [Location]
    /// A server-level `return`, answered before any location.
    public var serverReturn: LocationAction?
    /// Settings for requests no location matches (nginx answers 404 from the server's root).
    public var serverSettings: ProxySettings

    public init(locations: [Location], serverReturn: LocationAction?, serverSettings: ProxySettings) {
        self.locations = locations
        self.serverReturn = serverReturn
        self.serverSettings = serverSettings
    }

    /// The location for a request path, by nginx's rules.
    public func select(path: String) -> Location? {
        var longestPrefix: Location?
        var longestLength = -1
        var skipRegexes = false
        for candidate in locations {
            switch candidate.match {
            case .exact(let exact):
                if exact == path { return candidate }
            case .prefix(let prefix), .prefixSkippingRegexes(let prefix):
                if path.hasPrefix(prefix), prefix.utf8.count > longestLength {
                    longestPrefix = candidate
                    longestLength = prefix.utf8.count
                    if case .prefixSkippingRegexes = candidate.match { skipRegexes = true } else { skipRegexes = false }
                }
            case .regex:
                continue
            }
        }
        if let prefix = longestPrefix, let nested = prefix.nested, let inner = nested.select(path: path) {
            if case .regex = inner.match { return inner }
            if !skipRegexes, let regex = firstRegex(path) { return regex }
            return inner
        }
        if !skipRegexes, let regex = firstRegex(path) { return regex }
        return longestPrefix
    }

    private func firstRegex(_ path: String) -> Location? {
        for candidate in locations {
            if case .regex(let regex) = candidate.match, regex.matches(path) { return candidate }
        }
        return nil
    }
}
