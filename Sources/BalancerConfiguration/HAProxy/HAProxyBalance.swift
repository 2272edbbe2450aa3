/// `balance ALGORITHM [args]`.
enum HAProxyBalance {
    static let algorithms = ["roundrobin", "static-rr", "leastconn", "first", "source", "uri", "url_param", "hdr(NAME)", "random"]

    static func parse(_ line: HAProxyLine) throws(BalancerConfigurationError) -> BalanceAlgorithm {
        let name = try HAProxyValues.word(line, at: 1, what: "an algorithm")
        let arguments = Array(line.words.dropFirst(2))
        switch name {
        case "roundrobin": return .roundRobin
        case "static-rr": return .staticRoundRobin
        case "leastconn": return .leastConnections
        case "first": return .first
        case "source": return .hash(.sourceAddress(ipv4Prefix24: false))
        case "uri":
            return .hash(.uri(includeQuery: arguments.contains("whole")))
        case "url_param":
            guard let parameter = arguments.first else {
                throw BalancerConfigurationError(line.location, "'balance url_param' expects a parameter name", hint: "balance url_param userid")
            }
            return .hash(.urlParameter(parameter))
        default:
            if name.hasPrefix("hdr("), name.hasSuffix(")"), name.count > 5 {
                return .hash(.header(String(name.dropFirst(4).dropLast()).lowercased()))
            }
            if name == "random" || name.hasPrefix("random(") { return .random }
            if name.hasPrefix("rdp-cookie") {
                throw BalancerConfigurationError(line.location, "'balance rdp-cookie' is not supported by iam lb", hint: "use source for TCP persistence")
            }
            throw BalancerConfigurationError(
                line.location, "unknown balance algorithm '\(name)'",
                hint: Suggestion.hint(for: name, among: algorithms) ?? "one of \(algorithms.joined(separator: ", "))"
            )
        }
    }
}

/// The options after `server NAME ADDR` (and on `default-server`).
enum HAProxyServerOptions {
    static let known = ["check", "inter", "fastinter", "downinter", "rise", "fall", "weight", "backup", "disabled", "maxconn", "cookie", "no-check", "enabled"]
    static let ignored = ["slowstart", "port", "addr", "resolvers", "init-addr", "observe", "on-error", "error-limit", "agent-check", "agent-port", "agent-inter", "id", "maxqueue", "minconn", "resolve-prefer", "check-send-proxy", "pool-max-conn", "pool-purge-delay", "tfo"]
    static let flagsIgnored = ["no-agent-check", "non-stick", "no-tfo"]

    static func apply(_ arguments: [String], to server: inout ServerDefinition, line: HAProxyLine) throws(BalancerConfigurationError) {
        var index = 0
        func value() throws(BalancerConfigurationError) -> String {
            index += 1
            guard index < arguments.count else {
                throw BalancerConfigurationError(line.location, "server option '\(arguments[index - 1])' expects a value")
            }
            return arguments[index]
        }
        func number() throws(BalancerConfigurationError) -> Int {
            let text = try value()
            guard let number = Int(text), number >= 0 else {
                throw BalancerConfigurationError(line.location, "'\(arguments[index - 1]) \(text)': not a number")
            }
            return number
        }
        while index < arguments.count {
            let option = arguments[index]
            switch option {
            case "check": server.checks = true
            case "no-check": server.checks = false
            case "inter": server.checkInterval = try HAProxyValues.duration(try value(), line)
            case "fastinter": server.checkFastInterval = try HAProxyValues.duration(try value(), line)
            case "downinter": server.checkDownInterval = try HAProxyValues.duration(try value(), line)
            case "rise":
                server.rise = try number()
                if server.rise < 1 { throw BalancerConfigurationError(line.location, "'rise' must be at least 1") }
            case "fall":
                server.fall = try number()
                if server.fall < 1 { throw BalancerConfigurationError(line.location, "'fall' must be at least 1") }
            case "weight":
                server.weight = try number()
                if server.weight > 256 { throw BalancerConfigurationError(line.location, "'weight' is at most 256") }
            case "backup": server.isBackup = true
            case "disabled": server.isDisabled = true
            case "enabled": server.isDisabled = false
            case "maxconn": server.maxConnections = try number()
            case "cookie": server.cookie = try value()
            case "ssl", "check-ssl", "verify", "ca-file", "crt", "sni", "alpn":
                throw BalancerConfigurationError(line.location, "TLS to servers ('\(option)') is not supported by iam lb yet", hint: "terminate TLS at the load balancer and talk plain HTTP to servers")
            case "send-proxy", "send-proxy-v2":
                throw BalancerConfigurationError(line.location, "'\(option)' (PROXY protocol) is not supported by iam lb")
            default:
                if ignored.contains(option) {
                    _ = try value()
                } else if !flagsIgnored.contains(option) {
                    throw BalancerConfigurationError(
                        line.location, "unknown server option '\(option)'", hint: Suggestion.hint(for: option, among: known + ignored)
                    )
                }
            }
            index += 1
        }
    }
}
