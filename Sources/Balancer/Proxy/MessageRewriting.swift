public import BalancerConfiguration
public import NIOHTTP1

/// How request and response heads change on their way through the proxy: hop-by-hop headers go, forwarding
/// headers come, framing is checked. Pure functions over NIOHTTP1 request heads (responses are relayed as bytes by
/// ``UpstreamResponseScanner``).
public enum MessageRewriting {
    /// Headers that describe one connection, never forwarded (RFC 9110 §7.6.1). `transfer-encoding` is kept
    /// while it says chunked: the encoder re-frames the body with it.
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authenticate"]

    /// Why a request's framing is refused (request smuggling defenses, RFC 9112 §6.3).
    public enum FramingProblem: Error, Equatable, CustomStringConvertible {
        case contentLengthWithTransferEncoding
        case conflictingContentLengths
        case invalidContentLength
        case unsupportedTransferEncoding(String)
        case transferEncodingInHTTP10

        public var description: String {
            switch self {
            case .contentLengthWithTransferEncoding: "both Content-Length and Transfer-Encoding"
            case .conflictingContentLengths: "several different Content-Length values"
            case .invalidContentLength: "a Content-Length that is not a number"
            case .unsupportedTransferEncoding(let value): "Transfer-Encoding \(value)"
            case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 request"
            }
        }
    }

    /// The declared body length (nil when chunked or absent), or the reason the framing is refused.
    public static func checkFraming(_ head: HTTPRequestHead) -> Result<Int?, FramingProblem> {
        let hasLength = head.headers.contains(name: "content-length")
        let hasEncoding = head.headers.contains(name: "transfer-encoding")
        if !hasLength && !hasEncoding { return .success(nil) }
        let lengths = head.headers[canonicalForm: "content-length"]
        let encodings = head.headers[canonicalForm: "transfer-encoding"]
        if !encodings.isEmpty {
            if !lengths.isEmpty { return .failure(.contentLengthWithTransferEncoding) }
            if head.version.major == 1 && head.version.minor == 0 { return .failure(.transferEncodingInHTTP10) }
            let joined = encodings.joined(separator: ",").lowercased()
            let codings = joined.split(separator: ",", omittingEmptySubsequences: false).map(trimmed)
            if codings != ["chunked"] { return .failure(.unsupportedTransferEncoding(joined)) }
            return .success(nil)
        }
        guard let first = lengths.first else { return .success(nil) }
        guard lengths.allSatisfy({ $0 == first }) else { return .failure(.conflictingContentLengths) }
        guard !first.isEmpty, first.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let length = Int(first) else {
            return .failure(.invalidContentLength)
        }
        return .success(length)
    }

    /// The head to send upstream for a client request routed by `plan`.
    public static func upstreamRequest(
        _ request: RequestContext, plan: ProxyPlan, closeAfterResponse: Bool, removeExpect: Bool
    ) -> HTTPRequestHead {
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
        return HTTPRequestHead(version: .http1_1, method: request.head.method, uri: plan.uri, headers: headers)
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

private func trimmed(_ text: Substring) -> Substring {
    var result = text
    while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
    while let last = result.last, last == " " || last == "\t" { result.removeLast() }
    return result
}
