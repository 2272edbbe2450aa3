import BalancerConfiguration
public import NIOHTTP1

/// How request heads change on their way through the proxy: hop-by-hop headers go, forwarding headers come. Pure
/// functions over NIOHTTP1 request heads (framing is checked as the request is read, by ``ClientRequestScanner``;
/// responses are relayed as bytes by ``UpstreamResponseScanner``).
public enum MessageRewriting {
    /// Headers that describe one connection, never forwarded (RFC 9110 §7.6.1). `transfer-encoding` is kept
    /// while it says chunked: the encoder re-frames the body with it.
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authenticate"]

    /// The head to send upstream for a client request routed by `plan` (always HTTP/1.1).
    public static func upstreamRequest(
        _ request: RequestContext, plan: ProxyPlan, closeAfterResponse: Bool, removeExpect: Bool
    ) -> UpstreamRequestHead {
        var headers = request.head.headers
        removeHopByHop(&headers)
        if removeExpect { headers.remove(name: "expect") }
        if let host = plan.hostHeader { headers.replaceOrAdd(name: "host", value: host) }
        for edit in plan.headerEdits {
            switch edit.operation {
            case .set(let template):
                let value = request.render(template)
                if value.isEmpty { headers.remove(name: edit.name) } else { headers.replaceOrAdd(name: edit.name, value: value) }
            case .add(let template):
                headers.add(name: edit.name, value: request.render(template))
            case .remove:
                headers.remove(name: edit.name)
            }
        }
        if let forwarded = plan.forwardedFor, !(forwarded.except?.contains(request.clientAddress) ?? false) {
            headers.add(name: forwarded.headerName, value: request.clientAddress)
        }
        if closeAfterResponse { headers.add(name: "connection", value: "close") }
        return UpstreamRequestHead(method: request.head.method, uri: plan.uri, headers: headers)
    }

    /// Removes hop-by-hop headers in one pass over the names (most messages carry none, or only
    /// `Connection: keep-alive`), then removes only what was found.
    static func removeHopByHop(_ headers: inout HTTPHeaders) {
        var found: [String] = []
        for (name, value) in headers {
            guard let lowered = hopByHopName(name) else { continue }
            if !found.contains(lowered) { found.append(lowered) }
            if lowered == "connection" {
                for token in value.split(separator: ",") {
                    let option = String(token.drop { $0 == " " || $0 == "\t" }).lowercased()
                    if option != "close", option != "keep-alive", !option.isEmpty, !found.contains(option) { found.append(option) }
                }
            }
        }
        for name in found { headers.remove(name: name) }
    }

    /// The lowercased name when `name` is hop-by-hop, without allocating for the others.
    private static func hopByHopName(_ name: String) -> String? {
        let length = name.utf8.count
        guard length == 2 || length == 7 || length == 10 || length == 16 || length == 18 else { return nil }
        let lowered = name.lowercased()
        return hopByHop.contains(lowered) ? lowered : nil
    }

    /// Methods that may be sent twice (RFC 9110 §9.2.2): only these are retried after the request went out.
    static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .PUT, .DELETE, .OPTIONS, .TRACE: true
        default: false
        }
    }
}

/// A request head as sent to a server: the client's method, the routed target and the rewritten headers, always as
/// HTTP/1.1. A plain value: unlike `HTTPRequestHead` it allocates no storage of its own, and headers nothing
/// rewrote share the client head's.
public struct UpstreamRequestHead: Sendable {
    public var method: HTTPMethod
    public var uri: String
    public var headers: HTTPHeaders
}
