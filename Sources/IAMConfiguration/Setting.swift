/// One setting of a command (`iam apiserver`, `iam authz`, …): its dotted name — the flag `--NAME`, the YAML path
/// and, upper-cased with `.` and `-` as `_` behind the command's prefix, the environment variable — what it holds
/// and how to apply it to the command's configuration value.
public struct Setting<Configuration>: Sendable {
    public let name: String
    public let help: String
    public let apply: @Sendable (inout Configuration, String) throws(ConfigurationError) -> Void

    public init(name: String, help: String,
                apply: @escaping @Sendable (inout Configuration, String) throws(ConfigurationError) -> Void) {
        self.name = name
        self.help = help
        self.apply = apply
    }

    /// `IAM_APISERVER_` + `insecure.bind-port` → `IAM_APISERVER_INSECURE_BIND_PORT`.
    public func environmentName(prefix: String) -> String {
        prefix + String(name.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 })
    }

    /// A port value meaning "bind any free port" (`auto`); the bound port is logged.
    public static var anyFreePort: Int { -1 }

    public static func text(_ name: String, _ help: String,
                            _ set: @escaping @Sendable (inout Configuration, String) -> Void) -> Setting {
        Setting(name: name, help: help) { (configuration, value) throws(ConfigurationError) in set(&configuration, value) }
    }

    public static func integer(_ name: String, _ help: String, _ range: ClosedRange<Int>,
                               _ set: @escaping @Sendable (inout Configuration, Int) -> Void) -> Setting {
        Setting(name: name, help: help) { (configuration, value) throws(ConfigurationError) in
            guard let number = Int(value), range.contains(number) else {
                throw ConfigurationError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(value)")
            }
            set(&configuration, number)
        }
    }

    /// A TCP port: 0 disables the listener (marmotedu/iam's rule), `auto` binds any free port.
    public static func port(_ name: String, _ help: String,
                            _ set: @escaping @Sendable (inout Configuration, Int) -> Void) -> Setting {
        let number = integer(name, help, 0...65535, set)
        return Setting(name: name, help: help) { (configuration, value) throws(ConfigurationError) in
            if value == "auto" { set(&configuration, anyFreePort) } else { try number.apply(&configuration, value) }
        }
    }

    public static func bool(_ name: String, _ help: String,
                            _ set: @escaping @Sendable (inout Configuration, Bool) -> Void) -> Setting {
        Setting(name: name, help: help) { (configuration, value) throws(ConfigurationError) in
            switch value.lowercased() {
            case "true", "1", "yes", "on": set(&configuration, true)
            case "false", "0", "no", "off": set(&configuration, false)
            default: throw ConfigurationError("\(name) must be true or false, not \(value)")
            }
        }
    }

    /// A positive Go duration (`24h`, `90m`, `1.5s`), in whole seconds.
    public static func duration(_ name: String, _ help: String,
                                _ set: @escaping @Sendable (inout Configuration, Int64) -> Void) -> Setting {
        Setting(name: name, help: help) { (configuration, value) throws(ConfigurationError) in
            guard let seconds = GoDuration.seconds(value), seconds > 0 else {
                throw ConfigurationError("\(name) must be a positive duration like 24h, 90m or 3600s, not \(value)")
            }
            set(&configuration, seconds)
        }
    }

    /// `log.level`.
    public static func logLevel(_ set: @escaping @Sendable (inout Configuration, String) -> Void) -> Setting {
        Setting(name: "log.level", help: "trace, debug, info, notice, warning, error or critical (default info)") {
            (configuration, value) throws(ConfigurationError) in
            guard logLevels.contains(value) else {
                throw ConfigurationError("log.level \(value) is not one of \(logLevels.joined(separator: ", "))")
            }
            set(&configuration, value)
        }
    }

    /// `cluster.token`: the shared secret of apiservers and authz servers, at least 16 characters.
    public static func clusterToken(_ help: String, _ set: @escaping @Sendable (inout Configuration, String) -> Void) -> Setting {
        Setting(name: "cluster.token", help: help) { (configuration, value) throws(ConfigurationError) in
            guard value.count >= 16 else { throw ConfigurationError("cluster.token must be at least 16 characters long") }
            set(&configuration, value)
        }
    }

    public static var logLevels: [String] { ["trace", "debug", "info", "notice", "warning", "error", "critical"] }
}

/// A configuration problem, naming the flag, variable or file and line.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
