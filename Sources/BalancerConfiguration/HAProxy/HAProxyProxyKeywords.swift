import Foundation

/// The keywords of `defaults`, `frontend`, `backend` and `listen` sections.
enum HAProxyProxyKeywords {
    static let known: [String] = [
        "mode", "bind", "balance", "server", "default-server", "option", "no", "http-check", "retries", "timeout", "acl",
        "use_backend", "default_backend", "http-request", "redirect", "cookie", "log", "maxconn",
    ] + Array(HAProxyIgnored.proxy.keys)

    static func apply(
        _ line: HAProxyLine, to section: inout HAProxySection, ignored: inout [IgnoredDirective],
        globalLog: [AccessLogDefinition.Destination]
    ) throws(BalancerConfigurationError) {
        let words = line.words
        let keyword = words[0]
        switch keyword {
        case "mode":
            let value = try HAProxyValues.word(line, at: 1, what: "http or tcp")
            guard let mode = ProxyMode(rawValue: value) else {
                throw BalancerConfigurationError(line.location, "unknown mode '\(value)'", hint: "mode http or mode tcp")
            }
            section.mode = mode
        case "bind":
            try require(section, frontend: true, line)
            try bind(Array(words.dropFirst()), into: &section, location: line.location)
        case "balance":
            try require(section, frontend: false, line)
            section.balance = try HAProxyBalance.parse(line)
        case "server":
            try require(section, frontend: false, line)
            let name = try HAProxyValues.word(line, at: 1, what: "a server name")
            let address = try HAProxyValues.word(line, at: 2, what: "an address ADDR:PORT")
            if section.servers.contains(where: { $0.name == name }) {
                throw BalancerConfigurationError(line.location, "server '\(name)' is declared twice in '\(section.name)'")
            }
            var server = section.serverDefaults
            server.name = name
            server.location = line.location
            guard let (host, port) = Quantities.hostAndPort(address), let host, port > 0 else {
                throw BalancerConfigurationError(line.location, "server '\(name)': '\(address)' is not HOST:PORT", hint: "for example 10.0.0.5:8080")
            }
            server.host = host
            server.port = port
            try HAProxyServerOptions.apply(Array(words.dropFirst(3)), to: &server, line: line)
            section.servers.append(server)
        case "default-server":
            try HAProxyServerOptions.apply(Array(words.dropFirst()), to: &section.serverDefaults, line: line)
        case "option", "no":
            try option(line, to: &section, ignored: &ignored)
        case "http-check":
            let action = try HAProxyValues.word(line, at: 1, what: "expect")
            guard action == "expect" else {
                if action == "send" || action == "connect" {
                    throw BalancerConfigurationError(line.location, "'http-check \(action)' is not supported", hint: "use option httpchk METHOD URI")
                }
                throw BalancerConfigurationError(line.location, "unknown 'http-check \(action)'", hint: "http-check expect status 200")
            }
            var index = 2
            if words.count > index, words[index] == "!" { index += 1 }
            let kind = try HAProxyValues.word(line, at: index, what: "status CODE")
            guard kind == "status" || kind == "rstatus" else {
                throw BalancerConfigurationError(line.location, "'http-check expect \(kind)' is not supported", hint: "http-check expect status 200")
            }
            let value = try HAProxyValues.word(line, at: index + 1, what: "a status")
            if let code = Int(value) {
                section.expectedStatuses = code...code
            } else if let range = statusRange(value) {
                section.expectedStatuses = range
            } else {
                throw BalancerConfigurationError(line.location, "'\(value)' is not an HTTP status", hint: "http-check expect status 200, or a range such as 200-399")
            }
        case "retries":
            section.retries = try HAProxyValues.integer(line, at: 1)
        case "timeout":
            let which = try HAProxyValues.word(line, at: 1, what: "a timeout name")
            let known = ["client", "server", "connect", "http-request", "http-keep-alive", "queue", "check", "tunnel", "client-fin", "server-fin", "tarpit"]
            guard known.contains(which) else {
                throw BalancerConfigurationError(line.location, "unknown timeout '\(which)'", hint: Suggestion.hint(for: which, among: known))
            }
            section.timeouts[which] = try HAProxyValues.duration(try HAProxyValues.word(line, at: 2, what: "a time"), line)
        case "acl":
            let name = try HAProxyValues.word(line, at: 1, what: "an ACL name")
            let matcher = try HAProxyConditions.matcher(Array(words.dropFirst(2)), line: line)
            section.acls[name, default: []].append(matcher)
        case "use_backend":
            try require(section, frontend: true, line)
            let backend = try HAProxyValues.word(line, at: 1, what: "a backend name")
            let condition = try HAProxyConditions.condition(Array(words.dropFirst(2)), acls: section.acls, line: line, required: true)
            section.router.backendSwitches.append(ConditionalRule(action: backend, condition: condition, location: line.location))
        case "default_backend":
            try require(section, frontend: true, line)
            section.router.defaultBackend = try HAProxyValues.word(line, at: 1, what: "a backend name")
            section.router.location = line.location
        case "http-request":
            try require(section, frontend: nil, line)
            try HAProxyRequestRules.apply(line, to: &section)
        case "redirect":
            try require(section, frontend: nil, line)
            let (redirect, consumed) = try HAProxyRequestRules.redirect(Array(words.dropFirst()), line: line)
            let condition = try HAProxyConditions.condition(Array(words.dropFirst(1 + consumed)), acls: section.acls, line: line, required: false)
            section.router.redirects.append(ConditionalRule(action: redirect, condition: condition, location: line.location))
        case "cookie":
            try require(section, frontend: false, line)
            section.cookie = try cookie(line)
        case "log":
            let target = try HAProxyValues.word(line, at: 1, what: "global or an address")
            if target == "global" {
                section.logTargets = globalLog
                section.logGlobal = true
            } else {
                section.logTargets.append(try HAProxyValues.logTarget(line))
            }
        case "maxconn":
            _ = try HAProxyValues.integer(line, at: 1)
            ignored.append(IgnoredDirective(line.location, "maxconn", reason: "per-proxy maxconn is not enforced; the global maxconn is"))
        default:
            if let reason = HAProxyIgnored.proxy[keyword] {
                ignored.append(IgnoredDirective(line.location, keyword, reason: reason))
                return
            }
            throw BalancerConfigurationError(
                line.location, "unknown keyword '\(keyword)' in '\(section.kind.rawValue)' section",
                hint: Suggestion.hint(for: keyword, among: known)
            )
        }
    }

    /// `bind ADDR:PORT[,ADDR:PORT] [ssl crt FILE] …`
    static func bind(_ arguments: [String], into section: inout HAProxySection, location: SourceLocation) throws(BalancerConfigurationError) {
        guard let addresses = arguments.first else {
            throw BalancerConfigurationError(location, "'bind' expects an address", hint: "bind :80 or bind 127.0.0.1:8080")
        }
        var certificates: [String]?
        var index = 1
        while index < arguments.count {
            switch arguments[index] {
            case "ssl":
                certificates = certificates ?? []
            case "crt":
                index += 1
                guard index < arguments.count else { throw BalancerConfigurationError(location, "'crt' expects a certificate file") }
                certificates = (certificates ?? []) + [arguments[index]]
            case "alpn", "ciphers", "ciphersuites", "ssl-min-ver", "ssl-max-ver", "curves", "ecdhe", "name", "process", "backlog", "maxconn", "mss", "interface", "nice", "id":
                index += 1
            case "v4v6", "v6only", "transparent", "defer-accept", "tfo", "no-sslv3", "no-tlsv10", "no-tlsv11", "strict-sni", "prefer-client-ciphers", "accept-proxy":
                if arguments[index] == "accept-proxy" {
                    throw BalancerConfigurationError(location, "'accept-proxy' (PROXY protocol) is not supported by iam lb")
                }
            default:
                throw BalancerConfigurationError(location, "unknown bind option '\(arguments[index])'", hint: "bind ADDR:PORT [ssl crt FILE]")
            }
            index += 1
        }
        if let certificates, certificates.isEmpty {
            throw BalancerConfigurationError(location, "'ssl' needs a certificate", hint: "bind :443 ssl crt /path/to/cert.pem")
        }
        for address in addresses.split(separator: ",") {
            guard let (host, port) = Quantities.hostAndPort(String(address)) else {
                throw BalancerConfigurationError(location, "'\(address)' is not a listening address", hint: "bind :80, bind *:80 or bind 127.0.0.1:8080")
            }
            section.binds.append(Bind(address: ListenAddress(host: host, port: port), tlsCertificates: certificates, location: location))
        }
    }

    private static func option(_ line: HAProxyLine, to section: inout HAProxySection, ignored: inout [IgnoredDirective]) throws(BalancerConfigurationError) {
        let negated = line.words[0] == "no"
        let offset = negated ? 1 : 0
        guard line.words.count > 1 + offset, !negated || line.words[1] == "option" else {
            throw BalancerConfigurationError(line.location, "'\(line.words[0])' expects an option name")
        }
        let name = line.words[1 + offset]
        let rest = Array(line.words.dropFirst(2 + offset))
        switch name {
        case "forwardfor":
            if negated {
                section.forwardedFor = nil
                break
            }
            var option = ForwardedForOption()
            var index = 0
            while index < rest.count {
                guard index + 1 < rest.count else {
                    throw BalancerConfigurationError(line.location, "'\(rest[index])' expects a value", hint: "option forwardfor [except NETWORK] [header NAME]")
                }
                switch rest[index] {
                case "except":
                    guard let network = IPNetwork(rest[index + 1]) else {
                        throw BalancerConfigurationError(line.location, "'\(rest[index + 1])' is not a network", hint: "for example 127.0.0.0/8")
                    }
                    option.except = network
                case "header":
                    option.headerName = rest[index + 1]
                default:
                    throw BalancerConfigurationError(line.location, "unknown forwardfor argument '\(rest[index])'", hint: "option forwardfor [except NETWORK] [header NAME]")
                }
                index += 2
            }
            section.forwardedFor = option
        case "redispatch": section.redispatch = !negated
        case "http-server-close": section.httpServerClose = !negated
        case "http-keep-alive": section.httpServerClose = negated
        case "httplog": section.httpLog = !negated
        case "tcplog": section.tcpLog = !negated
        case "dontlognull": section.dontLogNull = !negated
        case "httpchk":
            let method = rest.count >= 2 ? rest[0] : "OPTIONS"
            let path = rest.count >= 2 ? rest[1] : (rest.first ?? "/")
            var host: String?
            if rest.count >= 3, let hostLine = rest.dropFirst(2).joined(separator: " ").split(separator: "\\r\\n").first(where: { $0.lowercased().hasPrefix("host:") }) {
                host = hostLine.dropFirst(5).trimmingCharacters(in: .whitespaces)
            }
            section.healthCheck = .http(method: method, path: path, host: host, expectedStatuses: 200...399)
        default:
            if let reason = HAProxyIgnored.options[name] {
                ignored.append(IgnoredDirective(line.location, "option \(name)", reason: reason))
                return
            }
            let known = ["forwardfor", "redispatch", "http-server-close", "http-keep-alive", "httplog", "tcplog", "dontlognull", "httpchk"]
            throw BalancerConfigurationError(
                line.location, "unknown option '\(name)'", hint: Suggestion.hint(for: name, among: known + Array(HAProxyIgnored.options.keys))
            )
        }
    }

    private static func cookie(_ line: HAProxyLine) throws(BalancerConfigurationError) -> CookiePersistence {
        let name = try HAProxyValues.word(line, at: 1, what: "a cookie name")
        var mode: CookiePersistence.Mode = .rewrite
        var indirect = false
        var nocache = false
        for word in line.words.dropFirst(2) {
            switch word {
            case "insert": mode = .insert
            case "rewrite": mode = .rewrite
            case "prefix": mode = .prefix
            case "indirect": indirect = true
            case "nocache": nocache = true
            case "postonly", "preserve", "httponly", "secure", "dynamic": continue
            default:
                throw BalancerConfigurationError(line.location, "unknown cookie option '\(word)'", hint: "cookie NAME insert|rewrite|prefix [indirect] [nocache]")
            }
        }
        return CookiePersistence(name: name, mode: mode, indirect: indirect, nocache: nocache)
    }

    private static func statusRange(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-")
        if parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low <= high { return low...high }
        // rstatus ^2 style: a leading-digit class.
        if text.hasPrefix("^"), let digit = Int(text.dropFirst().prefix(1)) { return (digit * 100)...(digit * 100 + 99) }
        return nil
    }

    /// `frontend: true` needs a frontend side, `false` a backend side, nil either.
    private static func require(_ section: HAProxySection, frontend: Bool?, _ line: HAProxyLine) throws(BalancerConfigurationError) {
        let keyword = line.words[0]
        switch frontend {
        case true?:
            if section.kind == .backend {
                throw BalancerConfigurationError(line.location, "'\(keyword)' belongs in a frontend or listen section, not in backend '\(section.name)'")
            }
            if section.kind == .defaults && keyword == "bind" {
                throw BalancerConfigurationError(line.location, "'bind' cannot be in defaults")
            }
        case false?:
            if section.kind == .frontend {
                throw BalancerConfigurationError(line.location, "'\(keyword)' belongs in a backend or listen section, not in frontend '\(section.name)'")
            }
            if section.kind == .defaults && keyword == "server" {
                throw BalancerConfigurationError(line.location, "'server' cannot be in defaults", hint: "use default-server for shared server options")
            }
        case nil:
            return
        }
    }
}
