/// nginx variables (`$remote_addr`, `${http_host}`) in header values, `return` texts, hash keys and log formats.
enum NginxVariables {
    static func template(_ text: String, at location: SourceLocation) throws(BalancerConfigurationError) -> ValueTemplate {
        var pieces: [ValueTemplate.Piece] = []
        var literal = ""
        var scalars = Array(text.unicodeScalars)[...]
        while let first = scalars.first {
            guard first == "$", scalars.count > 1 else {
                literal.unicodeScalars.append(first)
                scalars = scalars.dropFirst()
                continue
            }
            scalars = scalars.dropFirst()
            var name = ""
            if scalars.first == "{" {
                scalars = scalars.dropFirst()
                while let scalar = scalars.first, scalar != "}" {
                    name.unicodeScalars.append(scalar)
                    scalars = scalars.dropFirst()
                }
                guard scalars.first == "}" else {
                    throw BalancerConfigurationError(location, "the variable name in \"\(text)\" is not closed with \"}\"")
                }
                scalars = scalars.dropFirst()
            } else {
                while let scalar = scalars.first, scalar.properties.isAlphabetic || scalar == "_" || ("0"..."9").contains(scalar) {
                    name.unicodeScalars.append(scalar)
                    scalars = scalars.dropFirst()
                }
            }
            guard !name.isEmpty else {
                literal += "$"
                continue
            }
            guard let variable = variable(named: name) else {
                throw BalancerConfigurationError(
                    location, "unknown \"\(name)\" variable",
                    hint: Suggestion.hint(for: name, among: known.keys) ?? "iam lb knows \(known.keys.sorted().prefix(12).joined(separator: ", ")), $http_NAME, $arg_NAME, $cookie_NAME, …"
                )
            }
            if !literal.isEmpty {
                pieces.append(.literal(literal))
                literal = ""
            }
            pieces.append(.variable(variable))
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return ValueTemplate(pieces: pieces, source: text)
    }

    static let known: [String: RequestVariable] = [
        "remote_addr": .remoteAddress, "binary_remote_addr": .remoteAddress, "remote_port": .remotePort, "remote_user": .remoteUser,
        "host": .host, "scheme": .scheme, "proxy_add_x_forwarded_for": .proxyAddXForwardedFor, "request_uri": .requestURI,
        "uri": .path, "document_uri": .path, "args": .queryString, "query_string": .queryString, "is_args": .unknown("is_args"),
        "request_method": .method, "server_name": .serverName, "server_port": .serverPort, "proxy_host": .proxyHost,
        "request": .requestLine, "time_local": .timeLocal, "time_iso8601": .timeISO8601, "status": .status,
        "body_bytes_sent": .bodyBytesSent, "bytes_sent": .bytesSent, "request_time": .requestTime,
        "upstream_addr": .upstreamAddress, "upstream_status": .upstreamStatus, "upstream_response_time": .upstreamResponseTime,
        "https": .tlsConnection, "server_protocol": .unknown("server_protocol"), "msec": .unknown("msec"),
        "request_length": .unknown("request_length"), "connection": .unknown("connection"), "pid": .unknown("pid"),
    ]

    static func variable(named name: String) -> RequestVariable? {
        if let variable = known[name] { return variable }
        if name == "http_host" { return .httpHost }
        if name.hasPrefix("http_"), name.count > 5 { return .header(headerName(name.dropFirst(5))) }
        if name.hasPrefix("arg_"), name.count > 4 { return .queryParameter(String(name.dropFirst(4))) }
        if name.hasPrefix("cookie_"), name.count > 7 { return .cookie(String(name.dropFirst(7))) }
        if name.hasPrefix("sent_http_") || name.hasPrefix("upstream_http_") { return .unknown(name) }
        return nil
    }

    /// `$http_x_forwarded_for` → `x-forwarded-for`.
    static func headerName(_ suffix: Substring) -> String {
        String(suffix.lowercased().map { $0 == "_" ? "-" : $0 })
    }
}
