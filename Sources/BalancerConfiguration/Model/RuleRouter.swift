/// What an HAProxy ACL looks at.
public enum SampleFetch: Sendable, Hashable {
    case path
    /// Path and query (HAProxy `url`).
    case url
    case header(String)
    case sourceAddress
    case method
    /// Whether the client connection is TLS (`ssl_fc`).
    case tlsConnection
    case queryParameter(String)
}

/// How an ACL compares the fetched sample with its patterns.
public enum MatchMethod: String, Sendable, Hashable {
    case exact = "str"
    case beginning = "beg"
    case ending = "end"
    case substring = "sub"
    case regex = "reg"
    /// Dot-delimited labels (`hdr_dom`): `example.com` matches `www.example.com`.
    case domain = "dom"
    /// Slash-delimited segments (`path_dir`).
    case directory = "dir"
    /// CIDR or address (`src`).
    case ipAddress = "ip"
    /// True when the sample is true (`ssl_fc`); no patterns.
    case boolean = "bool"
    /// True when the sample exists (`-m found`).
    case found = "found"
}

/// One ACL line: a fetch, a match method and patterns (any pattern matching makes it true).
public struct ACLMatcher: Sendable {
    public var fetch: SampleFetch
    public var method: MatchMethod
    public var patterns: [String]
    public var regexes: [PatternRegex]
    public var networks: [IPNetwork]
    public var caseInsensitive: Bool

    public init(fetch: SampleFetch, method: MatchMethod, patterns: [String], caseInsensitive: Bool) throws {
        self.fetch = fetch
        self.method = method
        self.patterns = caseInsensitive ? patterns.map { $0.lowercased() } : patterns
        self.caseInsensitive = caseInsensitive
        self.regexes = method == .regex ? try patterns.map { try PatternRegex($0, caseInsensitive: caseInsensitive) } : []
        self.networks = []
        if method == .ipAddress {
            self.networks = try patterns.map { pattern in
                guard let network = IPNetwork(pattern) else { throw InvalidPattern(pattern: pattern) }
                return network
            }
        }
    }

    struct InvalidPattern: Error { var pattern: String }
}

/// A condition term: a (possibly negated) named ACL — all its lines OR'd — or an anonymous `{ … }` ACL.
public struct ConditionTerm: Sendable {
    public var negated: Bool
    public var matchers: [ACLMatcher]
    /// The ACL name, or the anonymous ACL's text, for messages.
    public var label: String

    public init(negated: Bool, matchers: [ACLMatcher], label: String) {
        self.negated = negated
        self.matchers = matchers
        self.label = label
    }
}

/// `if|unless A B or C`: OR of AND-groups, optionally inverted.
public struct Condition: Sendable {
    public var inverted: Bool
    public var alternatives: [[ConditionTerm]]

    public init(inverted: Bool, alternatives: [[ConditionTerm]]) {
        self.inverted = inverted
        self.alternatives = alternatives
    }
}

/// A redirect: `redirect scheme|location|prefix TARGET [code N] [drop-query] [append-slash]`.
public struct RedirectDefinition: Sendable {
    public enum Kind: Sendable, Equatable {
        case scheme(String)
        case location(ValueTemplate)
        case prefix(String)
    }

    public var kind: Kind
    public var status: Int
    public var dropQuery: Bool
    public var appendSlash: Bool

    public init(kind: Kind, status: Int = 302, dropQuery: Bool = false, appendSlash: Bool = false) {
        self.kind = kind
        self.status = status
        self.dropQuery = dropQuery
        self.appendSlash = appendSlash
    }
}

/// An `http-request` action.
public enum RequestAction: Sendable {
    case header(HeaderEdit)
    case redirect(RedirectDefinition)
    case deny(status: Int)
    /// Stop evaluating `http-request` rules.
    case allow
}

/// A rule with an optional condition.
public struct ConditionalRule<Action: Sendable>: Sendable {
    public var action: Action
    public var condition: Condition?
    public var location: SourceLocation

    public init(action: Action, condition: Condition?, location: SourceLocation) {
        self.action = action
        self.condition = condition
        self.location = location
    }
}

/// How X-Forwarded-For is added (HAProxy `option forwardfor [except NET] [header NAME]`).
public struct ForwardedForOption: Sendable {
    public var headerName: String
    public var except: IPNetwork?

    public init(headerName: String = "X-Forwarded-For", except: IPNetwork? = nil) {
        self.headerName = headerName
        self.except = except
    }
}

/// HAProxy routing, evaluated in HAProxy's order: `http-request` rules, `redirect` rules, `use_backend` rules,
/// then the default backend.
public struct RuleRouter: Sendable {
    public var requestRules: [ConditionalRule<RequestAction>] = []
    public var redirects: [ConditionalRule<RedirectDefinition>] = []
    public var backendSwitches: [ConditionalRule<String>] = []
    public var defaultBackend: String?
    public var forwardedFor: ForwardedForOption?
    public var location: SourceLocation

    public init(location: SourceLocation) { self.location = location }
}
