public import BalancerConfiguration

/// The load balancer's own response pages, in HAProxy's or nginx's wording.
public enum ErrorPages {
    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Time-out"
        case 413: "Request Entity Too Large"
        case 414: "Request-URI Too Long"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Time-out"
        default: "Status \(status)"
        }
    }

    private static let haproxyMessages: [Int: String] = [
        400: "Your browser sent an invalid request.",
        403: "Request forbidden by administrative rules.",
        404: "The resource could not be found.",
        408: "Your browser didn't send a complete request in time.",
        413: "The request body is larger than this server accepts.",
        431: "The request headers are larger than this server accepts.",
        500: "An internal server error occurred.",
        501: "The request method is not supported.",
        502: "The server returned an invalid or incomplete response.",
        503: "No server is available to handle this request.",
        504: "The server didn't respond in time.",
    ]

    /// A complete error response; errors other than 404 close the client connection, as both proxies do after
    /// a protocol problem.
    public static func response(_ status: Int, style: ErrorPageStyle, close: Bool? = nil) -> LocalResponse {
        let body: String
        switch style {
        case .haproxy:
            body = "<html><body><h1>\(status) \(reason(status))</h1>\n\(haproxyMessages[status] ?? reason(status))\n</body></html>\n"
        case .nginx:
            body = "<html>\r\n<head><title>\(status) \(reason(status))</title></head>\r\n<body>\r\n<center><h1>\(status) \(reason(status))</h1></center>\r\n<hr><center>iam lb</center>\r\n</body>\r\n</html>\r\n"
        }
        let shouldClose = close ?? [400, 408, 413, 431].contains(status)
        return LocalResponse(
            status: status,
            headers: [("content-type", "text/html"), ("cache-control", "no-cache")],
            body: body,
            closeConnection: shouldClose
        )
    }

    public static func redirect(_ status: Int, to location: String) -> LocalResponse {
        LocalResponse(status: status, headers: [("location", location), ("cache-control", "no-cache")], body: "")
    }
}
