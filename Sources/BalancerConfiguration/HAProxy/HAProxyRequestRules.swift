/// `http-request` and `redirect`, and HAProxy's log-format values (`%[src]`).
enum HAProxyRequestRules {
    static let actions = ["set-header", "add-header", "del-header", "redirect", "deny", "allow"]

    static func apply(_ line: HAProxyLine, to section: inout HAProxySection) throws(BalancerConfigurationError) {
        let words = line.words
        let action = try HAProxyValues.word(line, at: 1, what: "an action")
        var consumed = 2
        let rule: RequestAction
        switch action {
        case "set-header", "add-header":
            let name = try HAProxyValues.word(line, at: 2, what: "a header name")
            let value = try HAProxyValues.word(line, at: 3, what: "a value")
            if (name + value).contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                throw BalancerConfigurationError(line.location, "a header name or value cannot contain a line break")
            }
            let template = try logFormat(value, line: line)
            rule = .header(HeaderEdit(name: name, operation: action == "set-header" ? .set(template) : .add(template)))
            consumed = 4
        case "del-header":
            rule = .header(HeaderEdit(name: try HAProxyValues.word(line, at: 2, what: "a header name"), operation: .remove))
            consumed = 3
        case "redirect":
            let (redirect, used) = try redirect(Array(words.dropFirst(2)), line: line)
            rule = .redirect(redirect)
            consumed = 2 + used
        case "deny":
            var status = 403
            if words.count > 3, words[2] == "deny_status" {
                guard let code = Int(words[3]), (200...599).contains(code) else {
                    throw BalancerConfigurationError(line.location, "deny_status expects an HTTP status")
                }
                status = code
                consumed = 4
            }
            rule = .deny(status: status)
        case "allow":
            rule = .allow
        default:
            throw BalancerConfigurationError(
                line.location, "'http-request \(action)' is not supported",
                hint: Suggestion.hint(for: action, among: actions) ?? "supported: \(actions.joined(separator: ", "))"
            )
        }
        let condition = try HAProxyConditions.condition(Array(words.dropFirst(consumed)), acls: section.acls, line: line, required: false)
        section.router.requestRules.append(ConditionalRule(action: rule, condition: condition, location: line.location))
    }

    /// `scheme|location|prefix TARGET [code N] [drop-query] [append-slash] [set-cookie …] [clear-cookie …]`;
    /// returns the redirect and how many words it used.
    static func redirect(_ words: [String], line: HAProxyLine) throws(BalancerConfigurationError) -> (RedirectDefinition, Int) {
        guard words.count >= 2 else {
            throw BalancerConfigurationError(line.location, "redirect expects 'scheme|location|prefix TARGET'", hint: "redirect scheme https if !{ ssl_fc }")
        }
        var redirect: RedirectDefinition
        switch words[0] {
        case "scheme": redirect = RedirectDefinition(kind: .scheme(words[1]))
        case "location": redirect = RedirectDefinition(kind: .location(try logFormat(words[1], line: line)))
        case "prefix": redirect = RedirectDefinition(kind: .prefix(words[1]))
        default:
            throw BalancerConfigurationError(line.location, "unknown redirect type '\(words[0])'", hint: "redirect scheme|location|prefix TARGET")
        }
        var index = 2
        while index < words.count, words[index] != "if", words[index] != "unless" {
            switch words[index] {
            case "code":
                index += 1
                guard index < words.count, let code = Int(words[index]), [301, 302, 303, 307, 308].contains(code) else {
                    throw BalancerConfigurationError(line.location, "redirect code must be 301, 302, 303, 307 or 308")
                }
                redirect.status = code
            case "drop-query": redirect.dropQuery = true
            case "append-slash": redirect.appendSlash = true
            case "set-cookie", "clear-cookie":
                throw BalancerConfigurationError(line.location, "redirect '\(words[index])' is not supported")
            default:
                throw BalancerConfigurationError(line.location, "unknown redirect option '\(words[index])'", hint: "code N, drop-query, append-slash")
            }
            index += 1
        }
        return (redirect, index)
    }

    /// HAProxy log-format text: literal text with `%[fetch]`, `%ci`, `%cp`, `%%`.
    static func logFormat(_ text: String, line: HAProxyLine) throws(BalancerConfigurationError) -> ValueTemplate {
        var pieces: [ValueTemplate.Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let percent = rest.firstIndex(of: "%") {
            literal += rest[..<percent]
            rest = rest[rest.index(after: percent)...]
            if rest.hasPrefix("%") {
                literal += "%"
                rest = rest.dropFirst()
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else {
                    throw BalancerConfigurationError(line.location, "'%[' without ']' in '\(text)'")
                }
                let fetch = String(rest[rest.index(after: rest.startIndex)..<close])
                guard let variable = variable(forFetch: fetch) else {
                    throw BalancerConfigurationError(line.location, "sample fetch '\(fetch)' is not supported in values", hint: "supported: src, src_port, hdr(NAME), req.hdr(NAME), method, path, url, ssl_fc")
                }
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                pieces.append(.variable(variable))
                rest = rest[rest.index(after: close)...]
            } else if rest.hasPrefix("ci") || rest.hasPrefix("cp") {
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                pieces.append(.variable(rest.hasPrefix("ci") ? .remoteAddress : .remotePort))
                rest = rest.dropFirst(2)
            } else {
                throw BalancerConfigurationError(line.location, "unsupported log-format variable in '\(text)'", hint: "use %[fetch], %ci, %cp or %% for a percent sign")
            }
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return ValueTemplate(pieces: pieces, source: text)
    }

    private static func variable(forFetch fetch: String) -> RequestVariable? {
        switch fetch {
        case "src": return .remoteAddress
        case "src_port": return .remotePort
        case "method": return .method
        case "path": return .path
        case "url": return .requestURI
        case "query": return .queryString
        case "ssl_fc": return .tlsConnection
        default:
            for prefix in ["req.hdr(", "hdr("] where fetch.hasPrefix(prefix) && fetch.hasSuffix(")") {
                let name = fetch.dropFirst(prefix.count).dropLast()
                if !name.isEmpty { return .header(name.lowercased()) }
            }
            return nil
        }
    }
}
