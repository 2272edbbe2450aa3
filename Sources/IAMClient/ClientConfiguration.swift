import Foundation
public import IAMConfiguration

/// How iamctl reaches the apiserver and who it is: `iamctl.yaml` (found with `--iamconfig`, else in `.`,
/// `~/.iam`, `/etc/iam`), then `IAM_*` environment variables (`IAM_USER_TOKEN`, `IAM_SERVER_ADDRESS`…), then flags
/// of the same dotted names, as marmotedu/iam's iamctl reads them.
public struct ClientConfiguration: Sendable, Equatable {
    public var token = ""
    public var username = ""
    public var password = ""
    public var secretID = ""
    public var secretKey = ""
    public var clientCertificate = ""
    public var clientKey = ""
    public var serverAddress = "http://127.0.0.1:8080"
    public var timeoutSeconds: Int64 = 30
    public var maxRetries = 0
    public var retryIntervalSeconds: Int64 = 1
    public var tlsServerName = ""
    public var insecureSkipTLSVerify = false
    public var certificateAuthority = ""
    /// Where the settings came from, for `iamctl validate` and error messages.
    public var configFile: String?

    public init() {}

    /// The settings and what sets each.
    static let keys: [(name: String, apply: @Sendable (inout ClientConfiguration, String) throws(SettingsError) -> Void)] = [
        ("user.token", { $0.token = $1 }),
        ("user.username", { $0.username = $1 }),
        ("user.password", { $0.password = $1 }),
        ("user.secret-id", { $0.secretID = $1 }),
        ("user.secret-key", { $0.secretKey = $1 }),
        ("user.client-certificate", { $0.clientCertificate = $1 }),
        ("user.client-key", { $0.clientKey = $1 }),
        ("server.address", { $0.serverAddress = $1 }),
        ("server.timeout", { (configuration, value) throws(SettingsError) in
            guard let seconds = GoDuration.seconds(value), seconds > 0 else { throw SettingsError("server.timeout must be a duration like 30s, not \(value)") }
            configuration.timeoutSeconds = seconds
        }),
        ("server.max-retries", { (configuration, value) throws(SettingsError) in
            guard let retries = Int(value), (0...100).contains(retries) else { throw SettingsError("server.max-retries must be 0 to 100, not \(value)") }
            configuration.maxRetries = retries
        }),
        ("server.retry-interval", { (configuration, value) throws(SettingsError) in
            guard let seconds = GoDuration.seconds(value), seconds >= 0 else { throw SettingsError("server.retry-interval must be a duration like 1s, not \(value)") }
            configuration.retryIntervalSeconds = seconds
        }),
        ("server.tls-server-name", { $0.tlsServerName = $1 }),
        ("server.insecure-skip-tls-verify", { (configuration, value) throws(SettingsError) in
            guard let flag = Bool(value.lowercased()) else { throw SettingsError("server.insecure-skip-tls-verify must be true or false, not \(value)") }
            configuration.insecureSkipTLSVerify = flag
        }),
        ("server.certificate-authority", { $0.certificateAuthority = $1 }),
    ]

    /// Every setting's dotted name (also its flag, `--NAME`).
    public static var settingNames: [String] { keys.map(\.name) }

    /// The environment variable of a setting: `IAM_` + upper case with `.` and `-` as `_`.
    public static func environmentName(_ key: String) -> String {
        "IAM_" + String(key.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 })
    }

    /// Reads the file (explicit or found), the environment and `flags` (setting name → value), later overriding earlier.
    public static func load(configFile explicit: String?, flags: [String: String], environment: [String: String]) throws(SettingsError) -> ClientConfiguration {
        var configuration = ClientConfiguration()
        let file = explicit ?? searchConfigFile(environment: environment)
        if let file {
            let settings = try YAMLSettings(path: file)
            for entry in settings.entries where entry.key != "apiVersion" {
                try configuration.apply(entry.key, entry.value, origin: settings.origin(entry), strict: false)
            }
            configuration.configFile = file
        }
        for key in keys {
            if let value = environment[environmentName(key.name)] {
                try configuration.apply(key.name, value, origin: environmentName(key.name), strict: true)
            }
        }
        for (name, value) in flags.sorted(by: { $0.key < $1.key }) {
            try configuration.apply(name, value, origin: "--\(name)", strict: true)
        }
        return configuration
    }

    private mutating func apply(_ name: String, _ value: String, origin: String, strict: Bool) throws(SettingsError) {
        guard let key = Self.keys.first(where: { $0.name == name }) else {
            // Files written for marmotedu/iam may carry settings we do not use (client-certificate-data…).
            if !strict && (name.hasPrefix("user.") || name.hasPrefix("server.")) { return }
            let hint = closestMatch(to: name, in: Self.settingNames).map { " (did you mean \($0)?)" } ?? ""
            throw SettingsError("\(origin): unknown setting \(name)\(hint)")
        }
        do { try key.apply(&self, value) } catch { throw SettingsError("\(origin): \(error.message)") }
    }

    private static func searchConfigFile(environment: [String: String]) -> String? {
        let home = environment["HOME"] ?? NSHomeDirectory()
        return ["./iamctl.yaml", "\(home)/.iam/iamctl.yaml", "/etc/iam/iamctl.yaml"]
            .first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// The server address with a scheme (`http://` when none is given) and no trailing slash.
    public var baseURL: String {
        var address = serverAddress
        if !address.contains("://") { address = "http://" + address }
        while address.hasSuffix("/") { address.removeLast() }
        return address
    }
}
