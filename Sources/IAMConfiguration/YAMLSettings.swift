import Foundation
import Yams

/// A YAML settings file flattened to dotted keys (`insecure:\n  bind-port: 8080` → `insecure.bind-port`), each
/// with the line its value is on, for `FILE:LINE` messages.
public struct YAMLSettings: Sendable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String
        public var line: Int
    }

    public let path: String
    public let entries: [Entry]

    /// Reads and flattens `path`; sequences become comma-joined text.
    public init(path: String) throws(SettingsError) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SettingsError("\(path): cannot read the configuration file")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw SettingsError("\(path): not valid YAML: \(error)")
        }
        self.path = path
        guard let root else {
            entries = []
            return
        }
        guard case .mapping(let mapping) = root else {
            throw SettingsError("\(path):\(root.mark?.line ?? 1): the top level must be a mapping of settings")
        }
        var entries: [Entry] = []
        func walk(_ mapping: Node.Mapping, prefix: String) throws(SettingsError) {
            for (keyNode, valueNode) in mapping {
                let key = prefix + (keyNode.scalar?.string ?? "")
                let line = valueNode.mark?.line ?? keyNode.mark?.line ?? 0
                switch valueNode {
                case .mapping(let nested): try walk(nested, prefix: key + ".")
                case .scalar(let scalar): entries.append(Entry(key: key, value: scalar.string, line: line))
                case .sequence(let items):
                    entries.append(Entry(key: key, value: items.compactMap { $0.scalar?.string }.joined(separator: ","), line: line))
                case .alias: throw SettingsError("\(path):\(line): aliases are not supported in \(key)")
                }
            }
        }
        try walk(mapping, prefix: "")
        self.entries = entries
    }

    /// `FILE:LINE` of an entry.
    public func origin(_ entry: Entry) -> String { "\(path):\(entry.line)" }
}

/// A settings problem, naming the flag, variable or file and line.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Go's `time.ParseDuration` for whole seconds: `24h`, `1h30m`, `90s`; a bare number is seconds.
public enum GoDuration {
    public static func seconds(_ text: String) -> Int64? {
        if let plain = Int64(text) { return plain }
        var total: Double = 0
        var number = ""
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while let character = rest.first {
            if character.isNumber || character == "." {
                number.append(character)
                rest.removeFirst()
                continue
            }
            guard let value = Double(number) else { return nil }
            let unit: Double
            if rest.hasPrefix("ms") { unit = 0.001; rest.removeFirst(2) }
            else if rest.hasPrefix("h") { unit = 3600; rest.removeFirst() }
            else if rest.hasPrefix("m") { unit = 60; rest.removeFirst() }
            else if rest.hasPrefix("s") { unit = 1; rest.removeFirst() }
            else { return nil }
            total += value * unit
            number = ""
        }
        guard number.isEmpty else { return nil }
        return Int64(total.rounded())
    }
}

/// The closest of `candidates` to `word` by edit distance, for "did you mean" hints.
public func closestMatch(to word: String, in candidates: [String]) -> String? {
    func distance(_ a: String, _ b: String) -> Int {
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
    return candidates.min { distance($0, word) < distance($1, word) }
}
