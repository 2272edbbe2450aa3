/// Reads nginx's configuration language into a ``LoadBalancerConfiguration``.
struct NginxParser {
    let file: String
    let text: String

    var configuration = LoadBalancerConfiguration(dialect: .nginx)
    var logFormats: [String: ValueTemplate] = [:]
    /// Upstreams as declared, and the `proxy_pass` references to check once every upstream is known (nginx resolves
    /// them at the end too).
    var upstreams: [String: Backend] = [:]
    var references: [(ProxyPass, SourceLocation)] = []
    var servers: [NginxServerBlock] = []

    init(file: String, text: String) {
        self.file = file
        self.text = text
    }

    consuming func parse() throws(BalancerConfigurationError) -> LoadBalancerConfiguration {
        var tokenizer = NginxTokenizer(text: text, file: file, knownDirectives: NginxKnownDirectives.all)
        var includes = NginxIncludes(mainFile: file, knownDirectives: NginxKnownDirectives.all)
        let directives = try includes.expand(try tokenizer.parse())
        configuration.ignored += includes.ignored
        configuration.warnings += includes.warnings
        var sawHTTP = false
        for directive in directives {
            switch directive.name {
            case "http":
                guard !sawHTTP else { throw BalancerConfigurationError(directive.location, "\"http\" directive is duplicate") }
                sawHTTP = true
                try http(try block(directive))
            case "events":
                for child in try block(directive) {
                    if child.name == "worker_connections" {
                        configuration.maxConnections = Int(try child.argument(0, "a number"))
                    } else {
                        try ignoreOrFail(child, context: "events")
                    }
                }
            case "worker_processes":
                let value = try directive.argument(0, "a number or auto")
                configuration.eventLoops = value == "auto" ? nil : Int(value)
            case "stream":
                throw BalancerConfigurationError(directive.location, "the \"stream\" module is not supported by iam lb yet", hint: "use the HAProxy dialect with mode tcp for TCP balancing")
            case "load_module":
                throw BalancerConfigurationError(directive.location, "dynamic modules cannot be loaded by iam lb")
            default:
                try ignoreOrFail(directive, context: "main")
            }
        }
        guard sawHTTP else {
            throw BalancerConfigurationError(SourceLocation(file: file, line: 1), "no \"http\" block", hint: "iam lb reads http { upstream …; server { … } }")
        }
        try finish()
        return configuration
    }

    func block(_ directive: NginxDirective) throws(BalancerConfigurationError) -> [NginxDirective] {
        guard let block = directive.block else {
            throw BalancerConfigurationError(directive.location, "directive \"\(directive.name)\" has no opening \"{\"")
        }
        return block
    }

    mutating func ignoreOrFail(_ directive: NginxDirective, context: String) throws(BalancerConfigurationError) {
        if let reason = NginxKnownDirectives.ignored[directive.name] {
            configuration.ignored.append(IgnoredDirective(directive.location, directive.name, reason: reason))
            return
        }
        if NginxKnownDirectives.used.contains(directive.name) {
            throw BalancerConfigurationError(directive.location, "\"\(directive.name)\" directive is not allowed here (in \(context))")
        }
        throw BalancerConfigurationError(
            directive.location, "unknown directive \"\(directive.name)\"",
            hint: Suggestion.hint(for: directive.name, among: NginxKnownDirectives.all)
        )
    }

    private mutating func http(_ directives: [NginxDirective]) throws(BalancerConfigurationError) {
        var settings = ProxySettings()
        var limits = ClientLimits()
        limits.requestHeaderTimeout = .seconds(60)
        var accessLog: AccessLogDefinition? = AccessLogDefinition(destination: .standardOutput, format: .template(Self.combinedFormat))
        accessLog = nil
        // Settings first: nginx applies http-level settings to every server regardless of order.
        for directive in directives where directive.name != "server" && directive.name != "upstream" {
            if try proxySetting(directive, into: &settings, replacingHeaders: false) { continue }
            if try clientLimit(directive, into: &limits) { continue }
            switch directive.name {
            case "log_format":
                let name = try directive.argument(0, "a name")
                var parts = Array(directive.arguments.dropFirst())
                if parts.first?.hasPrefix("escape=") == true { parts.removeFirst() }
                guard !parts.isEmpty else { throw BalancerConfigurationError(directive.location, "log_format \(name) has no format string") }
                logFormats[name] = try NginxVariables.template(parts.joined(), at: directive.location)
            case "access_log":
                accessLog = try self.accessLog(directive)
            default:
                try ignoreOrFail(directive, context: "http")
            }
        }
        for directive in directives {
            switch directive.name {
            case "upstream":
                try upstream(directive)
            case "server":
                var block = try NginxServerBlock.parse(directive, inherited: settings, limits: limits, parser: &self)
                if block.accessLog == nil { block.accessLog = accessLog }
                servers.append(block)
            default:
                continue
            }
        }
    }

    static let combinedFormat = try! NginxVariables.template(
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"",
        at: SourceLocation(file: "built-in", line: 0)
    )

    mutating func accessLog(_ directive: NginxDirective) throws(BalancerConfigurationError) -> AccessLogDefinition? {
        let path = try directive.argument(0, "a path or off")
        if path == "off" { return nil }
        var format = Self.combinedFormat
        if directive.arguments.count > 1, !directive.arguments[1].contains("=") {
            guard let named = logFormats[directive.arguments[1]] else {
                throw BalancerConfigurationError(directive.location, "unknown log format \"\(directive.arguments[1])\"", hint: "declare it with log_format before this line, or use combined")
            }
            format = named
        }
        let destination: AccessLogDefinition.Destination
        switch path {
        case "/dev/stdout": destination = .standardOutput
        case "/dev/stderr": destination = .standardError
        default:
            if path.hasPrefix("syslog:server=") {
                destination = .syslog(address: String(path.dropFirst("syslog:server=".count).prefix { $0 != "," }), facility: "local7")
            } else {
                destination = .file(path)
            }
        }
        return AccessLogDefinition(destination: destination, format: .template(format))
    }

    /// Directives of the client side, valid at http and server level. Returns false when `directive` is not one.
    mutating func clientLimit(_ directive: NginxDirective, into limits: inout ClientLimits) throws(BalancerConfigurationError) -> Bool {
        switch directive.name {
        case "keepalive_timeout":
            limits.keepAliveTimeout = try duration(directive, at: 0)
        case "client_header_timeout":
            limits.requestHeaderTimeout = try duration(directive, at: 0)
        case "large_client_header_buffers":
            try directive.expectArguments(2...2, usage: "large_client_header_buffers NUMBER SIZE;")
            guard let count = Int(directive.arguments[0]), let size = Quantities.nginxSize(directive.arguments[1]) else {
                throw BalancerConfigurationError(directive.location, "invalid value in \"large_client_header_buffers\"")
            }
            limits.maxHeaderBytes = count * size
        default:
            return false
        }
        return true
    }

    func duration(_ directive: NginxDirective, at index: Int) throws(BalancerConfigurationError) -> Duration {
        let text = try directive.argument(index, "a time")
        guard let value = Quantities.nginxDuration(text) else {
            throw BalancerConfigurationError(directive.location, "\"\(directive.name)\" directive invalid value \"\(text)\"", hint: "a time such as 60s, 500ms or 1m")
        }
        return value
    }
}
