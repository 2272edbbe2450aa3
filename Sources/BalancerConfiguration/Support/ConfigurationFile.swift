import Foundation

/// Reading configuration files and resolving `include` patterns.
enum ConfigurationFile {
    /// The text of `path`, or an error naming the place that referred to it.
    static func read(_ path: String, from reference: SourceLocation?) throws(BalancerConfigurationError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw BalancerConfigurationError(
                reference,
                exists ? "cannot read \(path) (permission denied?)" : "configuration file \(path) does not exist"
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw BalancerConfigurationError(SourceLocation(file: path, line: 1), "the file is not UTF-8 text")
        }
        return text
    }

    /// Files matching a glob pattern (`*`, `?`, `[…]` in the last component and directories), sorted as nginx
    /// sorts them.
    static func glob(_ pattern: String) -> [String] {
        var results: [String] = []
        var globState = glob_t()
        defer { globfree(&globState) }
        if Foundation.glob(pattern, 0, nil, &globState) == 0 {
            for index in 0..<Int(globState.gl_pathc) {
                if let path = globState.gl_pathv[index] { results.append(String(cString: path)) }
            }
        }
        return results.sorted()
    }

    static func isGlob(_ pattern: String) -> Bool { pattern.contains { "*?[".contains($0) } }

    static func directory(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}

/// Guesses the dialect from a file's first directives.
enum DialectDetector {
    static func detect(_ text: String) -> ConfigurationDialect? {
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let word = line.prefix { !$0.isWhitespace && $0 != "{" && $0 != ";" }
            switch word {
            case "global", "defaults", "frontend", "backend", "listen", "userlist", "peers", "resolvers":
                return .haproxy
            case "http", "events", "stream", "upstream", "server", "worker_processes", "user", "pid", "error_log",
                "include", "daemon", "worker_rlimit_nofile", "master_process", "load_module":
                return .nginx
            default:
                return line.contains("{") || line.hasSuffix(";") ? .nginx : nil
            }
        }
        return nil
    }
}

/// "Did you mean …?" for unknown directives.
enum Suggestion {
    static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(word, candidate)
            if distance <= max(1, word.count / 3), best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        return best?.0
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }

    static func hint(for word: String, among candidates: some Sequence<String>) -> String? {
        closest(to: word, among: candidates).map { "did you mean \"\($0)\"?" }
    }
}
