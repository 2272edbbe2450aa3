public import IAMConfiguration

extension APIServerConfiguration {
    public typealias LoadReport = SettingsLoader<APIServerConfiguration>.Report

    /// Defaults, then the YAML file (`-c/--config FILE`), then `IAM_APISERVER_*` variables, then `--key value`
    /// flags, each overriding the one before (viper's order in marmotedu/iam).
    public static func load(arguments: [String], environment: [String: String]) throws(ConfigurationError)
        -> (APIServerConfiguration, LoadReport)
    {
        try loader.load(APIServerConfiguration(), arguments: arguments, environment: environment)
    }

    /// The flags and environment variables, one per line, for `--help`.
    public static var keysHelp: String { loader.help }
}
