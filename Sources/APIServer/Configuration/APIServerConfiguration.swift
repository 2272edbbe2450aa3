/// Everything `iam apiserver` can be told, with marmotedu/iam's defaults. Read from flags, `IAM_APISERVER_*`
/// environment variables and an optional YAML file by ``APIServerConfiguration/load(arguments:environment:)``.
public struct APIServerConfiguration: Sendable, Equatable {
    /// `insecure.bind-address` / `insecure.bind-port`: plain HTTP; port 0 disables the listener.
    public var insecureBindAddress = "127.0.0.1"
    public var insecureBindPort = 8080
    /// `secure.*`: HTTPS, started only when a certificate and key are given and the port is not 0.
    public var secureBindAddress = "0.0.0.0"
    public var secureBindPort = 8443
    public var secureCertFile = ""
    public var securePrivateKeyFile = ""
    /// `jwt.*`: login tokens.
    public var jwtRealm = "iam jwt"
    /// HMAC key of login tokens (6–32 characters); generated per start when empty, which logs everyone out on
    /// restart and makes tokens of one apiserver useless at another: set it for clusters.
    public var jwtKey = ""
    public var jwtTimeoutSeconds: Int64 = 3600
    public var jwtMaxRefreshSeconds: Int64 = 3600
    /// `server.healthz`: serve `/healthz`.
    public var healthz = true
    /// `server.max-body-bytes`: larger request bodies get 413.
    public var maxBodyBytes = 1 << 20
    /// `server.self-registration`: whether `POST /v1/users` without credentials may create (non-admin) users.
    public var selfRegistration = true
    /// `feature.enable-metrics`: serve `/metrics`.
    public var enableMetrics = true
    /// `--store`: empty for SQLite under `dataDirectory`, or a `postgres://` URL.
    public var store = ""
    /// `--data-dir`: where the embedded SQLite database lives.
    public var dataDirectory = "/var/lib/iam"
    /// bcrypt cost for new password hashes.
    public var bcryptCost = 10
    /// Secrets per user.
    public var maxSecretsPerUser = 10
    /// `cluster.token`: the shared secret authz servers present (Bearer) to read the change feed under
    /// `/internal/v1/`; empty disables those routes.
    public var clusterToken = ""
    /// `log.level`: trace, debug, info, notice, warning, error, critical.
    public var logLevel = "info"

    /// A port value meaning "bind any free port" (`auto`); the bound port is logged.
    public static let anyFreePort = -1

    public init() {}
}
