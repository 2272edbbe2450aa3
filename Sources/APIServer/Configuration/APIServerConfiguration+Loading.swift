import Foundation
import Yams

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
            for entry in try readYAML(file) {
                try apply(entry.key, entry.value, to: &configuration, report: &report, origin: "\(file):\(entry.line)")
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
            let hint = ConfigurationKey.all.min { distance($0.name, name) < distance($1.name, name) }.map {
                " (did you mean \($0.name)?)"
            } ?? ""
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

    /// Flattens the YAML mapping into dotted keys with the line each value is on.
    static func readYAML(_ path: String) throws(ConfigurationError) -> [(key: String, value: String, line: Int)] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("\(path): cannot read the configuration file")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigurationError("\(path): not valid YAML: \(error)")
        }
        guard let root else { return [] }
        guard case .mapping(let mapping) = root else {
            throw ConfigurationError("\(path):\(root.mark?.line ?? 1): the top level must be a mapping of settings")
        }
        var entries: [(key: String, value: String, line: Int)] = []
        func walk(_ mapping: Node.Mapping, prefix: String) throws(ConfigurationError) {
            for (keyNode, valueNode) in mapping {
                let key = prefix + (keyNode.scalar?.string ?? "")
                let line = valueNode.mark?.line ?? keyNode.mark?.line ?? 0
                switch valueNode {
                case .mapping(let nested): try walk(nested, prefix: key + ".")
                case .scalar(let scalar): entries.append((key, scalar.string, line))
                case .sequence(let items):
                    entries.append((key, items.compactMap { $0.scalar?.string }.joined(separator: ","), line))
                case .alias: throw ConfigurationError("\(path):\(line): aliases are not supported in \(key)")
                }
            }
        }
        try walk(mapping, prefix: "")
        return entries
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1..<(a.count + 1) {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1..<(b.count + 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
