/// An nginx `server { … }` block as parsed, before listeners are grouped into frontends.
struct NginxServerBlock {
    var listens: [Bind] = []
    var names: [ServerNamePattern] = []
    var router: LocationRouter
    var limits: ClientLimits
    var accessLog: AccessLogDefinition?
    var tlsCertificate: String?
    var location: SourceLocation

    static func parse(
        _ directive: NginxDirective, inherited: ProxySettings, limits inheritedLimits: ClientLimits, parser: inout NginxParser
    ) throws(BalancerConfigurationError) -> NginxServerBlock {
        let directives = try parser.block(directive)
        var settings = NginxParser.inherit(inherited, for: directives)
        var limits = inheritedLimits
        var accessLog: AccessLogDefinition??
        var serverReturn: LocationAction?
        var names: [ServerNamePattern] = []
        var listens: [Bind] = []
        var certificate: String?
        for child in directives where child.name != "location" {
            if try parser.proxySetting(child, into: &settings, replacingHeaders: true) { continue }
            if try parser.clientLimit(child, into: &limits) { continue }
            switch child.name {
            case "listen":
                listens.append(try listen(child))
            case "server_name":
                for name in child.arguments { names.append(try serverName(name, at: child.location)) }
            case "return":
                serverReturn = try returnAction(child)
            case "access_log":
                accessLog = .some(try parser.accessLog(child))
            case "ssl_certificate":
                certificate = try child.argument(0, "a certificate file")
            case "ssl_certificate_key":
                continue
            case "rewrite", "if", "set":
                throw BalancerConfigurationError(child.location, "\"\(child.name)\" is not supported by iam lb", hint: "route with location blocks and return")
            default:
                try parser.ignoreOrFail(child, context: "server")
            }
        }
        if listens.isEmpty {
            // nginx listens on *:80 when a server has no listen directive.
            listens = [Bind(address: ListenAddress(host: nil, port: 80), location: directive.location)]
        }
        if let certificate {
            for index in listens.indices where listens[index].tlsCertificates != nil { listens[index].tlsCertificates = [certificate] }
        }
        for bind in listens where bind.tlsCertificates == [] {
            throw BalancerConfigurationError(bind.location, "no \"ssl_certificate\" is defined for the listen ... ssl directive")
        }
        var locations: [Location] = []
        for child in directives where child.name == "location" {
            locations.append(try location(child, inherited: settings, parser: &parser))
        }
        var block = NginxServerBlock(
            router: LocationRouter(locations: locations, serverReturn: serverReturn, serverSettings: settings),
            limits: limits, location: directive.location
        )
        block.listens = listens
        block.names = names
        block.accessLog = accessLog ?? nil
        block.tlsCertificate = certificate
        return block
    }

    private static func listen(_ directive: NginxDirective) throws(BalancerConfigurationError) -> Bind {
        let address = try directive.argument(0, "an address")
        guard let (host, port) = Quantities.hostAndPort(address) else {
            throw BalancerConfigurationError(directive.location, "invalid listen address \"\(address)\"", hint: "listen 80; or listen 127.0.0.1:8080;")
        }
        var bind = Bind(address: ListenAddress(host: host, port: port), location: directive.location)
        for option in directive.arguments.dropFirst() {
            switch option {
            case "default_server", "default": bind.isDefaultServer = true
            case "ssl": bind.tlsCertificates = []
            case "http2", "reuseport", "deferred", "bind", "ipv6only=on", "ipv6only=off", "so_keepalive=on", "so_keepalive=off": continue
            default:
                if option.hasPrefix("backlog=") || option.hasPrefix("rcvbuf=") || option.hasPrefix("sndbuf=") { continue }
                if option == "proxy_protocol" {
                    throw BalancerConfigurationError(directive.location, "the PROXY protocol is not supported by iam lb")
                }
                throw BalancerConfigurationError(directive.location, "invalid parameter \"\(option)\" in \"listen\"", hint: "listen [ADDR:]PORT [default_server] [ssl];")
            }
        }
        return bind
    }

    private static func serverName(_ name: String, at location: SourceLocation) throws(BalancerConfigurationError) -> ServerNamePattern {
        if name.hasPrefix("~") {
            do { return .regex(try PatternRegex(String(name.dropFirst()), caseInsensitive: true)) } catch {
                throw BalancerConfigurationError(location, "invalid server_name regular expression \"\(name)\": \(error)")
            }
        }
        let lower = name.lowercased()
        if lower.hasPrefix("*.") { return .leadingWildcard(String(lower.dropFirst())) }
        if lower.hasPrefix(".") { return .leadingWildcard(lower) }
        if lower.hasSuffix(".*") { return .trailingWildcard(String(lower.dropLast())) }
        if lower.contains("*") {
            throw BalancerConfigurationError(location, "invalid server name \"\(name)\"", hint: "a wildcard is allowed only at the start (*.example.com) or end (www.example.*)")
        }
        return .exact(lower)
    }

    static func returnAction(_ directive: NginxDirective) throws(BalancerConfigurationError) -> LocationAction {
        try directive.expectArguments(1...2, usage: "return CODE [TEXT]; or return URL;")
        let first = directive.arguments[0]
        if let code = Int(first) {
            guard (0...999).contains(code) else { throw BalancerConfigurationError(directive.location, "invalid return code \"\(first)\"") }
            let text = directive.arguments.count == 2 ? try NginxVariables.template(directive.arguments[1], at: directive.location) : nil
            return .respond(status: code, text: text)
        }
        guard first.hasPrefix("http://") || first.hasPrefix("https://") || first.hasPrefix("$scheme") else {
            throw BalancerConfigurationError(directive.location, "invalid return code \"\(first)\"", hint: "return CODE [TEXT]; or return http://…;")
        }
        return .respond(status: 302, text: try NginxVariables.template(first, at: directive.location))
    }

    static func location(_ directive: NginxDirective, inherited: ProxySettings, parser: inout NginxParser) throws(BalancerConfigurationError) -> Location {
        let arguments = directive.arguments
        let match: LocationMatch
        switch (arguments.count, arguments.first) {
        case (2, "="): match = .exact(arguments[1])
        case (2, "^~"): match = .prefixSkippingRegexes(arguments[1])
        case (2, "~"), (2, "~*"):
            do { match = .regex(try PatternRegex(arguments[1], caseInsensitive: arguments[0] == "~*")) } catch {
                throw BalancerConfigurationError(directive.location, "invalid regular expression \"\(arguments[1])\" in location: \(error)")
            }
        case (1, let path?):
            if path.hasPrefix("=") && path.count > 1 {
                match = .exact(String(path.dropFirst()))
            } else if path.hasPrefix("@") {
                throw BalancerConfigurationError(directive.location, "named locations (\(path)) are not supported by iam lb")
            } else {
                match = .prefix(path)
            }
        default:
            throw BalancerConfigurationError(directive.location, "invalid number of arguments in \"location\" directive", hint: "location [=|~|~*|^~] URI { … }")
        }
        let directives = try parser.block(directive)
        var settings = NginxParser.inherit(inherited, for: directives)
        var action: LocationAction = .staticFiles(root: settings.root)
        var nested: [Location] = []
        for child in directives {
            if try parser.proxySetting(child, into: &settings, replacingHeaders: true) { continue }
            switch child.name {
            case "proxy_pass":
                try child.expectArguments(1...1, usage: "proxy_pass URL;")
                let pass = try proxyPass(child.arguments[0], at: child.location, in: match)
                parser.references.append((pass, child.location))
                action = .proxy(pass)
            case "return":
                action = try returnAction(child)
            case "location":
                nested.append(try location(child, inherited: settings, parser: &parser))
            case "alias":
                action = .staticFiles(root: try child.argument(0, "a directory"))
            case "rewrite", "if", "set", "try_files":
                throw BalancerConfigurationError(child.location, "\"\(child.name)\" is not supported by iam lb", hint: "route with location blocks, proxy_pass and return")
            default:
                try parser.ignoreOrFail(child, context: "location")
            }
        }
        if case .staticFiles = action { action = .staticFiles(root: settings.root) }
        let inner = nested.isEmpty ? nil : LocationRouter(locations: nested, serverReturn: nil, serverSettings: settings)
        return Location(match: match, action: action, settings: settings, nested: inner, location: directive.location)
    }

    private static func proxyPass(_ url: String, at location: SourceLocation, in match: LocationMatch) throws(BalancerConfigurationError) -> ProxyPass {
        let rest: Substring
        if url.hasPrefix("http://") {
            rest = url.dropFirst(7)
        } else if url.hasPrefix("https://") {
            throw BalancerConfigurationError(location, "proxy_pass to https:// is not supported by iam lb yet", hint: "talk plain HTTP to servers")
        } else if url.hasPrefix("unix:") {
            throw BalancerConfigurationError(location, "proxy_pass to a unix socket is not supported by iam lb")
        } else {
            throw BalancerConfigurationError(location, "invalid URL prefix in \"\(url)\"", hint: "proxy_pass http://UPSTREAM[/URI];")
        }
        if url.contains("$") {
            throw BalancerConfigurationError(location, "variables in proxy_pass are not supported by iam lb", hint: "name an upstream or address")
        }
        let host = String(rest.prefix { $0 != "/" })
        guard !host.isEmpty else { throw BalancerConfigurationError(location, "no host in \"\(url)\"") }
        let uri = rest.count > host.count ? String(rest.dropFirst(host.count)) : nil
        if uri != nil, case .regex = match {
            throw BalancerConfigurationError(location, "\"proxy_pass\" cannot have URI part in location given by regular expression", hint: "drop the path after the host")
        }
        return ProxyPass(backend: host, uri: uri, proxyHost: host)
    }
}
