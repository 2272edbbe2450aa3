public import BalancerConfiguration
public import NIOHTTP1

/// What routing rules, header templates and hash keys look at: the request head and its connection.
public struct RequestContext: Sendable {
    public var head: HTTPRequestHead
    public let clientAddress: String
    public let clientPort: Int
    public let isTLS: Bool
    public let localPort: Int
    /// The site's first server name (nginx `$server_name`).
    public var serverName: String = ""
    /// nginx `$proxy_host` once a proxy target is chosen.
    public var proxyHost: String = ""

    public init(head: HTTPRequestHead, clientAddress: String, clientPort: Int, isTLS: Bool, localPort: Int) {
        self.head = head
        self.clientAddress = clientAddress
        self.clientPort = clientPort
        self.isTLS = isTLS
        self.localPort = localPort
    }

    /// The path without the query.
    public var path: Substring {
        let uri = head.uri[...]
        guard let question = uri.utf8.firstIndex(of: UInt8(ascii: "?")) else { return uri }
        return uri[..<question]
    }

    /// The query without `?`, or nil.
    public var query: Substring? {
        let uri = head.uri[...]
        guard let question = uri.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return uri[uri.index(after: question)...]
    }

    public func header(_ name: String) -> String? { head.headers.first(name: name) }

    /// The Host header without its port, lowercased (nginx `$host` when present).
    public var hostWithoutPort: String? {
        guard let host = header("host"), !host.isEmpty else { return nil }
        if host.hasPrefix("[") { return String(host.prefix { $0 != "]" }.dropFirst()).lowercased() }
        return String(host.prefix { $0 != ":" }).lowercased()
    }

    public func queryParameter(_ name: String) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return parts.count == 2 ? String(parts[1]) : "" }
        }
        return nil
    }

    public func cookie(_ name: String) -> String? {
        for line in head.headers[canonicalForm: "cookie"] {
            for pair in line.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                if trimmed.hasPrefix(name + "=") { return String(trimmed.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }

    /// The value of a request variable; `extra` supplies response-time fields (status, bytes, upstream) for logs.
    public func value(of variable: RequestVariable, extra: ResponseFacts? = nil) -> String {
        switch variable {
        case .remoteAddress: return clientAddress
        case .remotePort: return String(clientPort)
        case .remoteUser: return "-"
        case .host: return hostWithoutPort ?? serverName
        case .httpHost: return header("host") ?? ""
        case .header(let name): return head.headers[name].joined(separator: ", ")
        case .scheme: return isTLS ? "https" : "http"
        case .proxyAddXForwardedFor:
            let existing = head.headers["x-forwarded-for"]
            return existing.isEmpty ? clientAddress : existing.joined(separator: ", ") + ", " + clientAddress
        case .requestURI: return head.uri
        case .path: return String(path)
        case .queryString: return query.map(String.init) ?? ""
        case .queryParameter(let name): return queryParameter(name) ?? ""
        case .method: return head.method.rawValue
        case .serverName: return serverName
        case .serverPort: return String(localPort)
        case .proxyHost: return proxyHost
        case .cookie(let name): return cookie(name) ?? ""
        case .requestLine: return "\(head.method.rawValue) \(head.uri) HTTP/\(head.version.major).\(head.version.minor)"
        case .tlsConnection: return isTLS ? "1" : ""
        case .frontendName: return extra?.frontendName ?? ""
        case .backendName: return extra?.backendName ?? ""
        case .serverNameOfUpstream: return extra?.serverName ?? ""
        case .timeLocal: return extra?.timeLocal ?? ""
        case .timeISO8601: return extra?.timeISO8601 ?? ""
        case .status: return extra.map { String($0.status) } ?? ""
        case .bodyBytesSent: return extra.map { String($0.bodyBytesSent) } ?? "0"
        case .bytesSent: return extra.map { String($0.bytesSent) } ?? "0"
        case .requestTime: return extra.map { ResponseFacts.seconds($0.requestNanoseconds) } ?? "0.000"
        case .upstreamAddress: return extra?.upstreamAddress ?? "-"
        case .upstreamStatus: return extra?.upstreamStatus.map(String.init) ?? "-"
        case .upstreamResponseTime: return extra?.upstreamNanoseconds.map(ResponseFacts.seconds) ?? "-"
        case .unknown: return ""
        }
    }

    public func render(_ template: ValueTemplate, extra: ResponseFacts? = nil) -> String {
        if template.pieces.count == 1, case .literal(let text) = template.pieces[0] { return text }
        var result = ""
        for piece in template.pieces {
            switch piece {
            case .literal(let text): result += text
            case .variable(let variable):
                let value = value(of: variable, extra: extra)
                // nginx logs "-" for empty variables.
                result += extra != nil && value.isEmpty ? "-" : value
            }
        }
        return result
    }
}

/// What happened to a request, for access logs.
public struct ResponseFacts: Sendable {
    public var status: Int
    public var bodyBytesSent: Int
    public var bytesSent: Int
    public var requestNanoseconds: Int64
    public var upstreamAddress: String?
    public var upstreamStatus: Int?
    public var upstreamNanoseconds: Int64?
    public var frontendName: String
    public var backendName: String
    public var serverName: String
    public var timeLocal: String
    public var timeISO8601: String

    public init(status: Int, frontendName: String) {
        self.status = status
        self.bodyBytesSent = 0
        self.bytesSent = 0
        self.requestNanoseconds = 0
        self.frontendName = frontendName
        self.backendName = ""
        self.serverName = ""
        self.timeLocal = ""
        self.timeISO8601 = ""
    }

    static func seconds(_ nanoseconds: Int64) -> String {
        let milliseconds = nanoseconds / 1_000_000
        let fraction = milliseconds % 1000
        return "\(milliseconds / 1000)." + String(repeating: "0", count: fraction < 10 ? 2 : fraction < 100 ? 1 : 0) + String(fraction)
    }
}
