/// Reads one command's settings: defaults, then the YAML file (`-c/--config FILE` or `<PREFIX>CONFIG`), then
/// `<PREFIX>*` environment variables, then `--key value` flags, each overriding the one before (viper's order in
/// marmotedu/iam). Unknown keys stop with the closest known one; keys of marmotedu/iam that mean nothing here are
/// reported, not fatal.
public struct SettingsLoader<Configuration>: Sendable {
    /// What loading found besides the configuration: keys accepted but meaningless here.
    public struct Report: Sendable {
        public var ignored: [String] = []
    }

    /// `iam apiserver`, for messages.
    public let command: String
    /// `IAM_APISERVER_`.
    public let environmentPrefix: String
    public let settings: [Setting<Configuration>]
    public let ignoredPrefixes: [String]
    /// Settings whose names are not fixed (`pumps.NAME.type`): given the name and value, applies and returns true,
    /// or returns false when the name is not theirs.
    public let dynamic: @Sendable (inout Configuration, String, String) throws(ConfigurationError) -> Bool

    public init(
        command: String, environmentPrefix: String, settings: [Setting<Configuration>], ignoredPrefixes: [String] = [],
        dynamic: @escaping @Sendable (inout Configuration, String, String) throws(ConfigurationError) -> Bool = { _, _, _ in false }
    ) {
        self.command = command
        self.environmentPrefix = environmentPrefix
        self.settings = settings
        self.ignoredPrefixes = ignoredPrefixes
        self.dynamic = dynamic
    }

    public func load(_ defaults: Configuration, arguments: [String], environment: [String: String]) throws(ConfigurationError)
        -> (Configuration, Report)
    {
        var configuration = defaults
        var report = Report()
        let flags = try Self.parseFlags(arguments)
        if let file = flags.file ?? environment[environmentPrefix + "CONFIG"] {
            let yaml: YAMLSettings
            do { yaml = try YAMLSettings(path: file) } catch { throw ConfigurationError(error.message) }
            for entry in yaml.entries {
                try apply(entry.key, entry.value, to: &configuration, report: &report, origin: yaml.origin(entry))
            }
        }
        for setting in settings {
            let variable = setting.environmentName(prefix: environmentPrefix)
            if let value = environment[variable] {
                try apply(setting.name, value, to: &configuration, report: &report, origin: variable)
            }
        }
        for (name, value) in flags.values {
            try apply(name, value, to: &configuration, report: &report, origin: "--\(name)")
        }
        return (configuration, report)
    }

    /// The flags and environment variables, one per line, for `--help`.
    public var help: String {
        settings.map { "  --\($0.name) (\($0.environmentName(prefix: environmentPrefix)))\n      \($0.help)" }
            .joined(separator: "\n")
    }

    private func apply(
        _ name: String, _ value: String, to configuration: inout Configuration, report: inout Report, origin: String
    ) throws(ConfigurationError) {
        if let setting = settings.first(where: { $0.name == name }) {
            do { try setting.apply(&configuration, value) } catch { throw ConfigurationError("\(origin): \(error.message)") }
            return
        }
        do {
            if try dynamic(&configuration, name, value) { return }
        } catch {
            throw ConfigurationError("\(origin): \(error.message)")
        }
        if ignoredPrefixes.contains(where: { name.hasPrefix($0) }) {
            report.ignored.append("\(origin): \(name) is a marmotedu/iam setting with no meaning here; ignored")
        } else {
            let hint = closestMatch(to: name, in: settings.map(\.name)).map { " (did you mean \($0)?)" } ?? ""
            throw ConfigurationError("\(origin): unknown setting \(name)\(hint); see `\(command) --help`")
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
