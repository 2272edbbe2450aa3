/// Reads HAProxy's configuration language into a ``LoadBalancerConfiguration``.
struct HAProxyParser {
    let file: String
    let text: String

    private var configuration = LoadBalancerConfiguration(dialect: .haproxy)
    private var defaults: HAProxySection?
    private var sections: [HAProxySection] = []
    private var globalLogTargets: [AccessLogDefinition.Destination] = []

    init(file: String, text: String) {
        self.file = file
        self.text = text
    }

    consuming func parse() throws(BalancerConfigurationError) -> LoadBalancerConfiguration {
        let lines = try HAProxyTokenizer.lines(of: text, file: file)
        var current: HAProxySection?
        var inGlobal = false
        for line in lines {
            let keyword = line.words[0]
            switch keyword {
            case "global":
                try finish(&current)
                inGlobal = true
            case "defaults", "frontend", "backend", "listen":
                try finish(&current)
                inGlobal = false
                let kind = HAProxySection.Kind(rawValue: keyword)!
                let name = line.words.count > 1 ? line.words[1] : ""
                if kind != .defaults && name.isEmpty {
                    throw BalancerConfigurationError(line.location, "'\(keyword)' needs a name", hint: "\(keyword) NAME")
                }
                if kind != .defaults, sections.contains(where: { $0.name == name && ($0.kind == kind || $0.kind == .listen || kind == .listen) }) {
                    throw BalancerConfigurationError(line.location, "\(keyword) '\(name)' is declared twice")
                }
                var section = HAProxySection(kind: kind, name: name, location: line.location, inheriting: kind == .defaults ? nil : defaults)
                if kind == .listen, line.words.count > 2 {
                    try HAProxyProxyKeywords.bind(Array(line.words[2...]), into: &section, location: line.location)
                }
                current = section
            case "userlist", "peers", "resolvers", "mailers", "cache", "program", "http-errors", "ring", "namespace_list":
                throw BalancerConfigurationError(
                    line.location, "the '\(keyword)' section is not supported by iam lb",
                    hint: "remove it; iam lb takes frontend, backend, listen, defaults and global sections"
                )
            default:
                if inGlobal {
                    try globalKeyword(line)
                } else if current != nil {
                    try HAProxyProxyKeywords.apply(line, to: &current!, ignored: &configuration.ignored, globalLog: globalLogTargets)
                } else {
                    throw BalancerConfigurationError(
                        line.location, "'\(keyword)' outside any section",
                        hint: Suggestion.hint(for: keyword, among: ["global", "defaults", "frontend", "backend", "listen"])
                            ?? "start a section (global, defaults, frontend, backend, listen) first"
                    )
                }
            }
        }
        try finish(&current)
        return try HAProxyAssembler.assemble(sections: sections, into: configuration, file: file)
    }

    private mutating func finish(_ section: inout HAProxySection?) throws(BalancerConfigurationError) {
        guard let done = section else { return }
        section = nil
        if done.kind == .defaults {
            defaults = done
        } else {
            sections.append(done)
        }
    }

    private mutating func globalKeyword(_ line: HAProxyLine) throws(BalancerConfigurationError) {
        let keyword = line.words[0]
        switch keyword {
        case "maxconn":
            configuration.maxConnections = try HAProxyValues.integer(line, at: 1)
        case "nbthread":
            configuration.eventLoops = try HAProxyValues.integer(line, at: 1)
        case "log":
            let target = try HAProxyValues.logTarget(line)
            globalLogTargets.append(target)
        default:
            if let reason = HAProxyIgnored.global[keyword] ?? (keyword.hasPrefix("tune.") ? "buffer tuning is automatic" : nil) {
                configuration.ignored.append(IgnoredDirective(line.location, keyword, reason: reason))
            } else {
                throw BalancerConfigurationError(
                    line.location, "unknown keyword '\(keyword)' in 'global' section",
                    hint: Suggestion.hint(for: keyword, among: Array(HAProxyIgnored.global.keys) + ["maxconn", "nbthread", "log"])
                )
            }
        }
    }
}

/// Small value readers shared by the HAProxy keyword handlers.
enum HAProxyValues {
    static func word(_ line: HAProxyLine, at index: Int, what: String? = nil) throws(BalancerConfigurationError) -> String {
        guard index < line.words.count else {
            throw BalancerConfigurationError(
                line.location, "'\(line.words[0..<min(index, line.words.count)].joined(separator: " "))' expects \(what ?? "an argument")"
            )
        }
        return line.words[index]
    }

    static func integer(_ line: HAProxyLine, at index: Int) throws(BalancerConfigurationError) -> Int {
        let text = try word(line, at: index, what: "a number")
        guard let value = Int(text), value >= 0 else {
            throw BalancerConfigurationError(line.location, "'\(text)' is not a number for '\(line.words[0])'")
        }
        return value
    }

    static func duration(_ text: String, _ line: HAProxyLine) throws(BalancerConfigurationError) -> Duration {
        guard let value = Quantities.haproxyDuration(text) else {
            throw BalancerConfigurationError(line.location, "'\(text)' is not a time", hint: "a number with an optional unit us, ms, s, m, h, d (default ms)")
        }
        return value
    }

    /// `log /dev/log local0 [level]`, `log 127.0.0.1[:514] local0`, `log stdout format raw local0`.
    static func logTarget(_ line: HAProxyLine) throws(BalancerConfigurationError) -> AccessLogDefinition.Destination {
        let address = try word(line, at: 1, what: "a log address")
        switch address {
        case "stdout": return .standardOutput
        case "stderr": return .standardError
        default:
            var rest = Array(line.words.dropFirst(2))
            if rest.first == "format", rest.count >= 2 { rest.removeFirst(2) }
            if rest.first == "len", rest.count >= 2 { rest.removeFirst(2) }
            let facility = rest.first ?? "local0"
            return .syslog(address: address, facility: facility)
        }
    }
}
