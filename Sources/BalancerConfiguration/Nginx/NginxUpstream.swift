extension NginxParser {
    /// `upstream NAME { server ADDR [weight=N] [max_fails=N] [fail_timeout=T] [backup] [down] [max_conns=N]; … }`
    mutating func upstream(_ directive: NginxDirective) throws(BalancerConfigurationError) {
        let name = try directive.argument(0, "a name")
        if upstreams[name] != nil {
            throw BalancerConfigurationError(directive.location, "duplicate upstream \"\(name)\"")
        }
        var backend = Backend(name: name, location: directive.location, mode: .http)
        backend.redispatch = true
        backend.idleConnectionsPerServer = 32
        for child in try block(directive) {
            switch child.name {
            case "server":
                backend.servers.append(try server(child, index: backend.servers.count))
            case "least_conn":
                backend.algorithm = .leastConnections
            case "ip_hash":
                backend.algorithm = .hash(.sourceAddress(ipv4Prefix24: true))
            case "random":
                backend.algorithm = .random
            case "hash":
                try child.expectArguments(1...2, usage: "hash KEY [consistent];")
                if child.arguments.count == 2, child.arguments[1] != "consistent" {
                    throw BalancerConfigurationError(child.location, "invalid parameter \"\(child.arguments[1])\"", hint: "hash KEY [consistent];")
                }
                backend.algorithm = .hash(.template(try NginxVariables.template(child.arguments[0], at: child.location)))
            case "keepalive":
                guard let count = Int(try child.argument(0, "a number")), count > 0 else {
                    throw BalancerConfigurationError(child.location, "invalid value in \"keepalive\"", hint: "keepalive 32;")
                }
                backend.idleConnectionsPerServer = count
            case "keepalive_timeout", "keepalive_requests", "keepalive_time", "zone":
                configuration.ignored.append(IgnoredDirective(child.location, child.name, reason: "idle upstream connections live until the server closes them"))
            default:
                try ignoreOrFail(child, context: "upstream")
            }
        }
        guard !backend.servers.isEmpty else {
            throw BalancerConfigurationError(directive.location, "no servers are inside upstream \"\(name)\"")
        }
        backend.retries = max(0, backend.servers.count - 1)
        upstreams[name] = backend
    }

    private func server(_ directive: NginxDirective, index: Int) throws(BalancerConfigurationError) -> ServerDefinition {
        let address = try directive.argument(0, "an address")
        guard let (host, port) = Quantities.hostAndPort(address.contains(":") && !address.hasPrefix("[") || address.hasPrefix("[") ? address : address + ":80"),
            let host
        else {
            throw BalancerConfigurationError(directive.location, "invalid address \"\(address)\" in upstream server", hint: "server 10.0.0.5:8080;")
        }
        var server = ServerDefinition(name: address, host: host, port: port, location: directive.location)
        server.maxFails = 1
        server.failTimeout = .seconds(10)
        for parameter in directive.arguments.dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts[0]
            let value = parts.count == 2 ? parts[1] : nil
            switch (key, value) {
            case ("weight", let value?):
                guard let weight = Int(value), weight > 0 else { throw invalid(parameter, directive) }
                server.weight = weight
            case ("max_fails", let value?):
                guard let fails = Int(value), fails >= 0 else { throw invalid(parameter, directive) }
                server.maxFails = fails
            case ("fail_timeout", let value?):
                guard let timeout = Quantities.nginxDuration(value) else { throw invalid(parameter, directive) }
                server.failTimeout = timeout
            case ("max_conns", let value?):
                guard let count = Int(value), count >= 0 else { throw invalid(parameter, directive) }
                server.maxConnections = count
            case ("backup", nil): server.isBackup = true
            case ("down", nil): server.isDisabled = true
            case ("resolve", nil), ("slow_start", _), ("route", _), ("service", _):
                continue
            default:
                throw invalid(parameter, directive)
            }
        }
        return server
    }

    private func invalid(_ parameter: String, _ directive: NginxDirective) -> BalancerConfigurationError {
        BalancerConfigurationError(
            directive.location, "invalid parameter \"\(parameter)\"",
            hint: parameter.hasPrefix("server") || NginxKnownDirectives.used.contains(parameter)
                ? "is the \";\" missing at the end of this line?" : "weight=N max_fails=N fail_timeout=T max_conns=N backup down"
        )
    }
}
