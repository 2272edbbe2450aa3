/// A request property a header value, log line or hash key can name (nginx `$var`, HAProxy `%[fetch]`).
public enum RequestVariable: Sendable, Hashable {
    case remoteAddress
    case remotePort
    case remoteUser
    /// Host header without port, else the server name (nginx `$host`).
    case host
    /// The Host header as sent (nginx `$http_host`).
    case httpHost
    case header(String)
    case scheme
    /// X-Forwarded-For with the client address appended (nginx `$proxy_add_x_forwarded_for`).
    case proxyAddXForwardedFor
    /// Path and query as received (nginx `$request_uri`).
    case requestURI
    /// Path without query (nginx `$uri`).
    case path
    case queryString
    case queryParameter(String)
    case method
    case serverName
    case serverPort
    /// The upstream name of `proxy_pass` (nginx `$proxy_host`).
    case proxyHost
    case cookie(String)
    /// Request line (nginx `$request`).
    case requestLine
    case timeLocal
    case timeISO8601
    case status
    case bodyBytesSent
    case bytesSent
    case requestTime
    case upstreamAddress
    case upstreamStatus
    case upstreamResponseTime
    case frontendName
    case backendName
    case serverNameOfUpstream
    /// `1` when the client connection is TLS (HAProxy `ssl_fc`).
    case tlsConnection
    /// An nginx variable this engine does not know; renders empty.
    case unknown(String)
}

/// Text with request variables: `X-Real-IP $remote_addr`, `%[src]`, nginx `log_format`.
public struct ValueTemplate: Sendable, Hashable, CustomStringConvertible {
    public enum Piece: Sendable, Hashable {
        case literal(String)
        case variable(RequestVariable)
    }

    public var pieces: [Piece]
    /// The text as written.
    public var source: String

    public init(pieces: [Piece], source: String) {
        self.pieces = pieces
        self.source = source
    }

    public static func literal(_ text: String) -> ValueTemplate { ValueTemplate(pieces: [.literal(text)], source: text) }

    public var isEmpty: Bool { pieces.allSatisfy { if case .literal(let text) = $0 { text.isEmpty } else { false } } }
    public var description: String { source }
}

/// A header to set, add or remove on the request sent upstream.
public struct HeaderEdit: Sendable, Hashable {
    public enum Operation: Sendable, Hashable {
        /// Replace every existing value; an empty value removes the header (nginx semantics).
        case set(ValueTemplate)
        case add(ValueTemplate)
        case remove
    }

    public var name: String
    public var operation: Operation

    public init(name: String, operation: Operation) {
        self.name = name
        self.operation = operation
    }
}

/// Where and how requests are logged.
public struct AccessLogDefinition: Sendable {
    public enum Destination: Sendable, Equatable {
        case file(String)
        case standardOutput
        case standardError
        /// A syslog socket (`/dev/log`) or UDP address, with facility.
        case syslog(address: String, facility: String)
    }

    public enum Format: Sendable {
        /// HAProxy `option httplog`.
        case haproxyHTTP
        /// HAProxy `option tcplog`.
        case haproxyTCP
        /// An nginx `log_format`.
        case template(ValueTemplate)
    }

    public var destination: Destination
    public var format: Format
    /// HAProxy `option dontlognull`: connections that sent nothing are not logged.
    public var skipEmptyConnections: Bool

    public init(destination: Destination, format: Format, skipEmptyConnections: Bool = false) {
        self.destination = destination
        self.format = format
        self.skipEmptyConnections = skipEmptyConnections
    }
}
