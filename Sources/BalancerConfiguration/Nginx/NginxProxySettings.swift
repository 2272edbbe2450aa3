extension NginxParser {
    /// Settings nginx inherits http → server → location. Returns false when `directive` is not one of them.
    /// `proxy_set_header` and `error_page` lists of a level replace the parent's once the level names any.
    mutating func proxySetting(_ directive: NginxDirective, into settings: inout ProxySettings, replacingHeaders: Bool) throws(BalancerConfigurationError) -> Bool {
        switch directive.name {
        case "proxy_set_header":
            try directive.expectArguments(2...2, usage: "proxy_set_header FIELD VALUE;")
            let name = directive.arguments[0]
            if (name + directive.arguments[1]).contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                throw BalancerConfigurationError(directive.location, "a header name or value cannot contain a line break")
            }
            let value = try NginxVariables.template(directive.arguments[1], at: directive.location)
            settings.headerEdits.removeAll { $0.name.lowercased() == name.lowercased() }
            settings.headerEdits.append(HeaderEdit(name: name, operation: value.isEmpty ? .remove : .set(value)))
        case "client_max_body_size":
            let text = try directive.argument(0, "a size")
            guard let size = Quantities.nginxSize(text) else {
                throw BalancerConfigurationError(directive.location, "\"client_max_body_size\" directive invalid value \"\(text)\"", hint: "a size such as 1m, 512k or 0 (unlimited)")
            }
            settings.maxBodyBytes = size == 0 ? Int.max : size
        case "proxy_connect_timeout":
            settings.connectTimeout = try duration(directive, at: 0)
        case "proxy_read_timeout":
            settings.readTimeout = try duration(directive, at: 0)
        case "proxy_send_timeout":
            settings.sendTimeout = try duration(directive, at: 0)
        case "proxy_next_upstream":
            var policy = NextUpstreamPolicy.never
            policy.tries = settings.nextUpstream.tries
            for word in directive.arguments {
                switch word {
                case "error": policy.onError = true
                case "timeout": policy.onTimeout = true
                case "invalid_header": policy.onInvalidHeader = true
                case "non_idempotent": policy.nonIdempotent = true
                case "off": policy = .never
                case "http_500", "http_502", "http_503", "http_504", "http_403", "http_404", "http_429":
                    policy.onStatuses.insert(Int(word.dropFirst(5))!)
                default:
                    throw BalancerConfigurationError(directive.location, "invalid value \"\(word)\" in \"proxy_next_upstream\"", hint: "error, timeout, invalid_header, http_5xx codes, non_idempotent or off")
                }
            }
            settings.nextUpstream = policy
        case "proxy_next_upstream_tries":
            guard let tries = Int(try directive.argument(0, "a number")), tries >= 0 else {
                throw BalancerConfigurationError(directive.location, "\"proxy_next_upstream_tries\" expects a number")
            }
            settings.nextUpstream.tries = tries
        case "error_page":
            guard directive.arguments.count >= 2 else {
                throw BalancerConfigurationError(directive.location, "invalid number of arguments in \"error_page\" directive", hint: "error_page 500 502 503 504 /50x.html;")
            }
            let uri = directive.arguments.last!
            var replacement: Int?
            var codes: [Int] = []
            for word in directive.arguments.dropLast() {
                if word.hasPrefix("=") {
                    replacement = word.count > 1 ? Int(word.dropFirst()) : nil
                    continue
                }
                guard let code = Int(word), (300...599).contains(code) else {
                    throw BalancerConfigurationError(directive.location, "value \"\(word)\" must be between 300 and 599 in \"error_page\"")
                }
                codes.append(code)
            }
            for code in codes { settings.errorPages[code] = ErrorPageTarget(uri: uri, replacementStatus: replacement) }
        case "root":
            settings.root = try directive.argument(0, "a directory")
        default:
            return false
        }
        return true
    }

    /// Starts a level's settings from its parent's, dropping lists the level redefines.
    static func inherit(_ parent: ProxySettings, for directives: [NginxDirective]) -> ProxySettings {
        var settings = parent
        if directives.contains(where: { $0.name == "proxy_set_header" }) { settings.headerEdits = [] }
        if directives.contains(where: { $0.name == "error_page" }) { settings.errorPages = [:] }
        return settings
    }
}
