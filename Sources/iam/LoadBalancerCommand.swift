import ArgumentParser
import Balancer
import BalancerConfiguration
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `iam lb`: an HTTP and TCP load balancer that reads HAProxy or nginx configuration files.
struct LoadBalancerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lb",
        abstract: "HTTP and TCP load balancer reading HAProxy or nginx configuration (--check validates one).",
        discussion: """
            Exit codes: 0 ran and stopped cleanly (or --check found the file valid), 1 invalid configuration \
            (FILE:LINE: what is wrong, and a hint) or a listener could not start.
            """
    )

    @Option(name: [.short, .customLong("config")], help: "The HAProxy .cfg or nginx.conf to read.")
    var file: String

    @Option(help: "haproxy or nginx (default: detected from the file).")
    var dialect: String?

    @Flag(help: "Validate the configuration, list what it defines and what is ignored, and exit.")
    var check = false

    @Option(name: .customLong("event-loops"), help: "Event loop threads (default: the file's nbthread/worker_processes, else the number of CPUs).")
    var eventLoops: Int?

    @Option(help: "Admin listener HOST:PORT for /metrics and /healthz, or none.")
    var admin = "127.0.0.1:8405"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func run() async throws {
        let configuration: LoadBalancerConfiguration
        var chosen: ConfigurationDialect?
        if let dialect {
            guard let known = ConfigurationDialect(rawValue: dialect) else {
                StandardError.write("iam lb: --dialect must be haproxy or nginx, not \(dialect)")
                throw ExitCode(1)
            }
            chosen = known
        }
        do {
            configuration = try LoadBalancerConfiguration.load(path: file, dialect: chosen)
        } catch {
            StandardError.write("iam lb: \(error)")
            throw ExitCode(1)
        }
        if check {
            print(ConfigurationSummary.describe(configuration, file: file))
            return
        }
        for warning in configuration.warnings { StandardError.write("iam lb: warning: \(warning)") }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "iam.lb")
        let runtime = BalancerRuntime(configuration: configuration, logger: logger)
        let loops = eventLoops ?? configuration.eventLoops ?? System.coreCount
        let options = BalancerService.Options(eventLoops: loops, adminAddress: admin == "none" ? nil : admin)
        let service = BalancerService(runtime: runtime, options: options, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            StandardError.write("iam lb: \(error)")
            throw ExitCode(1)
        }
    }
}

/// What `iam lb --check` prints.
enum ConfigurationSummary {
    static func describe(_ configuration: LoadBalancerConfiguration, file: String) -> String {
        var lines: [String] = ["dialect: \(configuration.dialect.rawValue)"]
        for frontend in configuration.frontends {
            let binds = frontend.binds.map { $0.address.description + ($0.tlsCertificates != nil ? " ssl" : "") }.joined(separator: ", ")
            lines.append("frontend \(frontend.name) (\(frontend.mode.rawValue)) on \(binds)")
            for site in frontend.sites {
                let names = site.serverNames.map(describe).joined(separator: " ")
                switch site.router {
                case .rules(let rules):
                    for rule in rules.backendSwitches { lines.append("  use_backend \(rule.action) (\(rule.location))") }
                    if !rules.redirects.isEmpty { lines.append("  \(rules.redirects.count) redirect rule(s)") }
                    if !rules.requestRules.isEmpty { lines.append("  \(rules.requestRules.count) http-request rule(s)") }
                    lines.append("  default_backend \(rules.defaultBackend ?? "(none)")")
                case .locations(let router):
                    lines.append("  server_name \(names.isEmpty ? "\"\"" : names) (\(site.location))")
                    for location in router.locations {
                        let action: String
                        switch location.action {
                        case .proxy(let pass): action = "proxy_pass \(pass.backend)\(pass.uri ?? "")"
                        case .respond(let status, _): action = "return \(status)"
                        case .staticFiles: action = "static (error pages only)"
                        }
                        lines.append("    location \(location.match) -> \(action)")
                    }
                }
            }
        }
        for name in configuration.backends.keys.sorted() {
            let backend = configuration.backends[name]!
            lines.append("backend \(name) (\(backend.mode.rawValue), \(algorithm(backend.algorithm)))")
            for server in backend.servers {
                var flags: [String] = []
                if server.weight != 1 { flags.append("weight \(server.weight)") }
                if server.checks { flags.append("check inter \(short(server.checkInterval)) rise \(server.rise) fall \(server.fall)") }
                if server.maxFails > 0 { flags.append("max_fails \(server.maxFails) fail_timeout \(short(server.failTimeout))") }
                if server.isBackup { flags.append("backup") }
                if server.isDisabled { flags.append("disabled") }
                lines.append("  server \(server.name) \(server.address)\(flags.isEmpty ? "" : " " + flags.joined(separator: ", "))")
            }
        }
        for frontend in configuration.frontends {
            for bind in frontend.binds where bind.tlsCertificates != nil {
                lines.append("warning: \(bind.location): TLS termination on \(bind.address) is not in this version of iam lb: it refuses to start with this listener")
            }
        }
        for ignored in configuration.ignored { lines.append("ignored: \(ignored)") }
        for warning in configuration.warnings { lines.append("warning: \(warning)") }
        lines.append("\(file): configuration is valid (\(configuration.frontends.count) frontend(s), \(configuration.backends.count) backend(s), \(configuration.ignored.count) ignored directive(s))")
        return lines.joined(separator: "\n")
    }

    private static func short(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }

    private static func describe(_ pattern: ServerNamePattern) -> String {
        switch pattern {
        case .exact(let name): name
        case .leadingWildcard(let suffix): "*" + suffix
        case .trailingWildcard(let prefix): prefix + "*"
        case .regex(let regex): "~" + regex.source
        }
    }

    private static func algorithm(_ algorithm: BalanceAlgorithm) -> String {
        switch algorithm {
        case .roundRobin: "roundrobin"
        case .staticRoundRobin: "static-rr"
        case .leastConnections: "leastconn"
        case .first: "first"
        case .random: "random"
        case .hash(let key): "hash \(key)"
        }
    }
}
