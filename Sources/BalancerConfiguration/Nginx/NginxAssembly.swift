extension NginxParser {
    /// Groups server blocks into one frontend per listening address and resolves `proxy_pass` targets.
    mutating func finish() throws(BalancerConfigurationError) {
        configuration.backends = upstreams
        for (pass, location) in references where configuration.backends[pass.backend] == nil {
            // An address, not an upstream: a one-server backend, as nginx makes an implicit upstream.
            let address = pass.backend.contains(":") ? pass.backend : pass.backend + ":80"
            guard let (host, port) = Quantities.hostAndPort(address), let host, port > 0 else {
                throw BalancerConfigurationError(location, "invalid host in upstream \"\(pass.backend)\"")
            }
            var backend = Backend(name: pass.backend, location: location, mode: .http)
            var server = ServerDefinition(name: pass.backend, host: host, port: port, location: location)
            server.maxFails = 1
            backend.servers = [server]
            backend.retries = 0
            backend.redispatch = true
            backend.idleConnectionsPerServer = 32
            configuration.backends[pass.backend] = backend
            if IPNetwork.parseAddress(host) == nil, host != "localhost" {
                configuration.warnings.append(ConfigurationWarning(location, "host \"\(host)\" in proxy_pass is neither an upstream nor an address: resolved at start"))
            }
        }
        var order: [ListenAddress] = []
        var sitesByAddress: [ListenAddress: [Site]] = [:]
        var bindsByAddress: [ListenAddress: Bind] = [:]
        var limitsByAddress: [ListenAddress: ClientLimits] = [:]
        var logByAddress: [ListenAddress: AccessLogDefinition] = [:]
        var namesSeen: [String: [ListenAddress: SourceLocation]] = [:]
        for server in servers {
            for bind in server.listens {
                let address = bind.address
                if sitesByAddress[address] == nil {
                    order.append(address)
                    bindsByAddress[address] = bind
                    limitsByAddress[address] = server.limits
                }
                if bind.isDefaultServer {
                    if let existing = sitesByAddress[address]?.first(where: { !$0.defaultForPorts.isEmpty }) {
                        throw BalancerConfigurationError(bind.location, "a duplicate default server for \(address) in \(existing.location)")
                    }
                }
                if (bindsByAddress[address]?.tlsCertificates == nil) != (bind.tlsCertificates == nil) {
                    throw BalancerConfigurationError(bind.location, "\(address) is declared both with and without ssl")
                }
                for case .exact(let name) in server.names {
                    if let earlier = namesSeen[name]?[address] {
                        configuration.warnings.append(ConfigurationWarning(server.location, "conflicting server name \"\(name)\" on \(address) (first at \(earlier)), ignored"))
                    } else {
                        namesSeen[name, default: [:]][address] = server.location
                    }
                }
                var site = Site(serverNames: server.names, ports: [address.port], router: .locations(server.router), location: server.location)
                if bind.isDefaultServer { site.defaultForPorts = [address.port] }
                sitesByAddress[address, default: []].append(site)
                if logByAddress[address] == nil, let log = server.accessLog { logByAddress[address] = log }
            }
        }
        for address in order {
            var frontend = Frontend(name: "server:\(address)", location: bindsByAddress[address]!.location, mode: .http, errorPageStyle: .nginx)
            frontend.binds = [bindsByAddress[address]!]
            frontend.sites = sitesByAddress[address]!
            frontend.limits = limitsByAddress[address]!
            frontend.accessLog = logByAddress[address]
            configuration.frontends.append(frontend)
        }
        for backend in configuration.backends.values {
            for server in backend.servers where IPNetwork.parseAddress(server.host) == nil && server.host != "localhost" {
                configuration.warnings.append(ConfigurationWarning(server.location, "server \"\(server.name)\" names host \"\(server.host)\": resolved at start; while it does not resolve the server is down"))
            }
        }
        if configuration.frontends.isEmpty {
            configuration.warnings.append(ConfigurationWarning(SourceLocation(file: file, line: 1), "no server block: nothing listens"))
        }
    }
}
