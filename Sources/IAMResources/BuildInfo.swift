import PolicyEngine

/// What `/version` and `iam --version` report.
public enum BuildInfo {
    public static let version = "0.2.0"
    #if arch(x86_64)
    public static let architecture = "amd64"
    #elseif arch(arm64)
    public static let architecture = "arm64"
    #else
    public static let architecture = "unknown"
    #endif
    #if os(Linux)
    public static let platform = "linux/" + architecture
    #else
    public static let platform = "darwin/" + architecture
    #endif

    /// component-base's version JSON: `gitVersion`, `gitCommit`, `gitTreeState`, `buildDate`, `goVersion`
    /// (here the Swift compiler), `compiler`, `platform`.
    public static var json: String {
        var writer = JSONObjectWriter()
        writer.string("gitVersion", "v" + version)
        writer.string("gitCommit", "")
        writer.string("gitTreeState", "")
        writer.string("buildDate", "")
        writer.string("goVersion", swiftVersion)
        writer.string("compiler", "swiftc")
        writer.string("platform", platform)
        return writer.text
    }

    public static var swiftVersion: String {
        #if compiler(>=6.3)
        "swift6.3"
        #elseif compiler(>=6.2)
        "swift6.2"
        #else
        "swift6"
        #endif
    }
}
