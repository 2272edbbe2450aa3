/// Turns parsed HAProxy sections into the model and checks references between them.
enum HAProxyAssembler {
    static func assemble(
        sections: [HAProxySection], into base: LoadBalancerConfiguration, file: String
    ) throws(BalancerConfigurationError) -> LoadBalancerConfiguration {
        var configuration = base
        for section in sections where section.kind == .backend || section.kind == .listen {
            configuration.backends[section.name] = backend(section, warnings: &configuration.warnings)
        }
        var boundPorts: [ListenAddress: (String, SourceLocation)] = [:]
        for section in sections where section.kind == .frontend || section.kind == .listen {
            var frontend = Frontend(name: section.name, location: section.location, mode: section.mode, errorPageStyle: .haproxy)
            guard !section.binds.isEmpty else {
                throw BalancerConfigurationError(section.location, "\(section.kind.rawValue) '\(section.name)' has no 'bind' line", hint: "bind :80")
            }
            for bind in section.binds {
                if let (other, location) = boundPorts[bind.address] {
                    throw BalancerConfigurationError(bind.location, "\(bind.address) is already bound by '\(other)' at \(location)")
                }
                boundPorts[bind.address] = (section.name, bind.location)
            }
            frontend.binds = section.binds
            var router = section.router
            router.forwardedFor = section.forwardedFor
            if section.kind == .listen, router.defaultBackend == nil { router.defaultBackend = section.name }
            for rule in router.backendSwitches {
                try check(backend: rule.action, from: section, at: rule.location, in: configuration)
            }
            if let name = router.defaultBackend {
                try check(backend: name, from: section, at: router.location, in: configuration)
            } else if router.backendSwitches.isEmpty {
                configuration.warnings.append(ConfigurationWarning(section.location, "frontend '\(section.name)' has no default_backend: requests no rule routes get 503"))
            }
            if section.mode == .tcp {
                guard router.backendSwitches.isEmpty, router.requestRules.isEmpty, router.redirects.isEmpty else {
                    throw BalancerConfigurationError(section.location, "frontend '\(section.name)' is in mode tcp: only default_backend routes it", hint: "use mode http for use_backend, http-request and redirect rules")
                }
                frontend.tcpBackend = router.defaultBackend
            }
            frontend.sites = [Site(serverNames: [], router: .rules(router), location: section.location)]
            if let value = section.timeouts["http-request"] { frontend.limits.requestHeaderTimeout = value }
            if let value = section.timeouts["client"] {
                frontend.limits.clientTimeout = value
                if section.timeouts["http-request"] == nil { frontend.limits.requestHeaderTimeout = value }
            }
            if let value = section.timeouts["http-keep-alive"] ?? section.timeouts["http-request"] ?? section.timeouts["client"] {
                frontend.limits.keepAliveTimeout = value
            }
            if let destination = section.logTargets.first {
                let format: AccessLogDefinition.Format = section.mode == .http && section.httpLog ? .haproxyHTTP : .haproxyTCP
                frontend.accessLog = AccessLogDefinition(destination: destination, format: format, skipEmptyConnections: section.dontLogNull)
            }
            configuration.frontends.append(frontend)
        }
        return configuration
    }

    private static func check(
        backend name: String, from section: HAProxySection, at location: SourceLocation, in configuration: LoadBalancerConfiguration
    ) throws(BalancerConfigurationError) {
        guard let backend = configuration.backends[name] else {
            throw BalancerConfigurationError(
                location, "backend '\(name)' is not declared",
                hint: Suggestion.hint(for: name, among: configuration.backends.keys) ?? "add a 'backend \(name)' section"
            )
        }
        if backend.mode != section.mode {
            throw BalancerConfigurationError(
                location, "frontend '\(section.name)' is in mode \(section.mode.rawValue) but backend '\(name)' is in mode \(backend.mode.rawValue)",
                hint: "both must use the same mode"
            )
        }
    }

    private static func backend(_ section: HAProxySection, warnings: inout [ConfigurationWarning]) -> Backend {
        var backend = Backend(name: section.name, location: section.location, mode: section.mode)
        backend.algorithm = section.balance
        backend.servers = section.servers
        if case .http(let method, let path, let host, _) = section.healthCheck {
            backend.healthCheck = .http(method: method, path: path, host: host, expectedStatuses: section.expectedStatuses ?? 200...399)
        }
        backend.retries = section.retries
        backend.redispatch = section.redispatch
        backend.nextUpstream = NextUpstreamPolicy()
        backend.nextUpstream.onTimeout = false
        if let value = section.timeouts["connect"] { backend.connectTimeout = value }
        backend.queueTimeout = section.timeouts["queue"] ?? backend.connectTimeout
        if let value = section.timeouts["server"] { backend.serverTimeout = value }
        backend.checkTimeout = section.timeouts["check"]
        backend.closeAfterResponse = section.httpServerClose
        backend.cookie = section.cookie
        backend.forwardedFor = section.kind == .backend ? section.forwardedFor : nil
        backend.requestRules = section.kind == .backend ? section.router.requestRules : []
        if let cookie = section.cookie {
            warnings.append(ConfigurationWarning(section.location, "cookie persistence (\(cookie.name) \(cookie.mode.rawValue)) is not applied in this version: backend '\(section.name)' balances without stickiness"))
        }
        if section.servers.isEmpty {
            warnings.append(ConfigurationWarning(section.location, "backend '\(section.name)' has no servers: its requests get 503"))
        }
        for server in section.servers where IPNetwork.parseAddress(server.host) == nil && server.host != "localhost" {
            warnings.append(ConfigurationWarning(server.location, "server '\(server.name)' names host '\(server.host)': resolved at start; while it does not resolve the server is DOWN"))
        }
        return backend
    }
}
