import IAMConfiguration

extension APIServerConfiguration {
    /// What loading found besides the configuration: keys accepted but meaningless here.
    public struct LoadReport: Sendable {
        public var ignored: [String] = []
    }

    /// Defaults, then the YAML file (`-c/--config FILE`), then `IAM_APISERVER_*` variables, then `--key value`
    /// flags, each overriding the one before (viper's order in marmotedu/iam).
    public static func load(arguments: [String], environment: [String: String]) throws(ConfigurationError)
        -> (APIServerConfiguration, LoadReport)
    {
        var configuration = APIServerConfiguration()
        var report = LoadReport()
        let flags = try parseFlags(arguments)
        if let file = flags.file ?? environment["IAM_APISERVER_CONFIG"] {
            let settings: YAMLSettings
            do { settings = try YAMLSettings(path: file) } catch { throw ConfigurationError(error.message) }
            for entry in settings.entries {
                try apply(entry.key, entry.value, to: &configuration, report: &report, origin: settings.origin(entry))
            }
        }
        for key in ConfigurationKey.all {
            if let value = environment[key.environmentName] {
                try apply(key.name, value, to: &configuration, report: &report, origin: key.environmentName)
            }
        }
        for (name, value) in flags.values {
            try apply(name, value, to: &configuration, report: &report, origin: "--\(name)")
        }
        return (configuration, report)
    }

    /// The flags and environment variables, one per line, for `--help`.
    public static var keysHelp: String {
        ConfigurationKey.all.map { "  --\($0.name) (\($0.environmentName))\n      \($0.help)" }.joined(separator: "\n")
    }

    private static func apply(
        _ name: String, _ value: String, to configuration: inout APIServerConfiguration, report: inout LoadReport,
        origin: String
    ) throws(ConfigurationError) {
        if let key = ConfigurationKey.all.first(where: { $0.name == name }) {
            do { try key.apply(&configuration, value) } catch { throw ConfigurationError("\(origin): \(error.message)") }
        } else if ConfigurationKey.ignoredPrefixes.contains(where: { name.hasPrefix($0) }) {
            report.ignored.append("\(origin): \(name) is a marmotedu/iam setting with no meaning here; ignored")
        } else {
            let hint = closestMatch(to: name, in: ConfigurationKey.all.map(\.name)).map { " (did you mean \($0)?)" } ?? ""
            throw ConfigurationError("\(origin): unknown setting \(name)\(hint); see `iam apiserver --help`")
        }
    }

    private static func parseFlags(_ arguments: [String]) throws(ConfigurationError) -> (file: String?, values: [(String, String)]) {
        var file: String?
        var values: [(String, String)] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-") else { throw ConfigurationError("unexpected argument \(argument); settings are --name value") }
            var name = String(argument.drop { $0 == "-" })
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if value == nil {
                guard index < arguments.count else { throw ConfigurationError("\(argument) needs a value") }
                value = arguments[index]
                index += 1
            }
            if name == "c" || name == "config" { file = value } else { values.append((name, value!)) }
        }
        return (file, values)
    }
}
