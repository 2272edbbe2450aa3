import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a keepalived.conf from disk, expanding `include PATTERN` (a glob, relative to the directory of
/// the file that includes it), and builds the checked ``KeepalivedConfig``.
public enum KeepalivedConfigLoader {
    /// Deepest include nesting accepted (a cycle would otherwise never end).
    static let maximumIncludeDepth = 16

    public static func load(path: String) throws(KeepalivedConfigError) -> KeepalivedConfig {
        try KeepalivedConfig(statements: readStatements(path: path, depth: 0, includedFrom: nil))
    }

    /// Parses `text` as if it were the file `name` (includes resolve relative to `directory`).
    public static func parse(_ text: String, name: String = "keepalived.conf", directory: String = ".") throws(KeepalivedConfigError) -> KeepalivedConfig {
        try KeepalivedConfig(statements: expand(ConfigSyntax.statements(in: text, file: name), directory: directory, depth: 0))
    }

    private static func readStatements(path: String, depth: Int, includedFrom: ConfigLocation?) throws(KeepalivedConfigError) -> [ConfigStatement] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KeepalivedConfigError(includedFrom ?? ConfigLocation(file: path, line: 0),
                                        "cannot read \(path): \((error as NSError).localizedDescription)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try expand(ConfigSyntax.statements(in: text, file: path), directory: directory.isEmpty ? "." : directory, depth: depth)
    }

    private static func expand(_ statements: [ConfigStatement], directory: String, depth: Int) throws(KeepalivedConfigError) -> [ConfigStatement] {
        var result: [ConfigStatement] = []
        for statement in statements {
            guard statement.keyword == "include" else {
                var copy = statement
                if let block = statement.block { copy.block = try expand(block, directory: directory, depth: depth) }
                result.append(copy)
                continue
            }
            guard depth < maximumIncludeDepth else {
                throw KeepalivedConfigError(statement.location, "includes nest deeper than \(maximumIncludeDepth) levels", hint: "look for a file that includes itself")
            }
            guard statement.arguments.count == 1, statement.block == nil else {
                throw KeepalivedConfigError(statement.location, "include takes one file name or glob pattern")
            }
            let pattern = statement.arguments[0].hasPrefix("/") ? statement.arguments[0] : directory + "/" + statement.arguments[0]
            let files = glob(pattern)
            guard !files.isEmpty else {
                throw KeepalivedConfigError(statement.location, "include \(statement.arguments[0]) matches no file (looked for \(pattern))")
            }
            for file in files {
                result += try readStatements(path: file, depth: depth + 1, includedFrom: statement.location)
            }
        }
        return result
    }

    /// The files matching a shell glob, sorted.
    static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard Glibc.glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { index in matches.gl_pathv[index].map { String(cString: $0) } }.sorted()
    }
}
