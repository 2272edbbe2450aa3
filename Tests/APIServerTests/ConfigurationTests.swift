import IAMConfiguration
import APIServer
import Foundation
import IAMTestSupport
import Testing

@Suite struct ConfigurationTests {
    @Test func fileThenEnvironmentThenFlags() throws {
        let files = try TemporaryFiles()
        let yaml = try files.write("iam-apiserver.yaml", """
            insecure:
              bind-address: 0.0.0.0
              bind-port: 8000
            jwt:
              key: from-the-file
              timeout: 24h
              max-refresh: 1h30m
            server:
              self-registration: false
              max-body-bytes: 2048
            mysql:
              host: 127.0.0.1:3306
            """)
        let (configuration, report) = try APIServerConfiguration.load(
            arguments: ["-c", yaml, "--insecure.bind-port=9000", "--store", "postgres://x@db/iam"],
            environment: ["IAM_APISERVER_INSECURE_BIND_PORT": "8500", "IAM_APISERVER_JWT_KEY": "from-the-environment"])
        #expect(configuration.insecureBindAddress == "0.0.0.0")
        #expect(configuration.insecureBindPort == 9000, "flags beat the environment")
        #expect(configuration.jwtKey == "from-the-environment", "the environment beats the file")
        #expect(configuration.jwtTimeoutSeconds == 86400 && configuration.jwtMaxRefreshSeconds == 5400)
        #expect(!configuration.selfRegistration && configuration.maxBodyBytes == 2048)
        #expect(configuration.store == "postgres://x@db/iam")
        #expect(report.ignored == ["\(yaml):12: mysql.host is a marmotedu/iam setting with no meaning here; ignored"])
    }

    @Test func mistakesNameWhereTheyAre() throws {
        #expect(throws: ConfigurationError.self) {
            try APIServerConfiguration.load(arguments: [], environment: ["IAM_APISERVER_SERVER_HEALTHZ": "maybe"])
        }
        do {
            _ = try APIServerConfiguration.load(arguments: [], environment: ["IAM_APISERVER_SERVER_HEALTHZ": "maybe"])
        } catch {
            #expect(error.message == "IAM_APISERVER_SERVER_HEALTHZ: server.healthz must be true or false, not maybe")
        }
        do {
            _ = try APIServerConfiguration.load(arguments: ["--jwt.timeout", "1d"], environment: [:])
            Issue.record("1d is not a Go duration")
        } catch {
            #expect(error.message.hasPrefix("--jwt.timeout: jwt.timeout must be a positive duration"))
        }
        do {
            _ = try APIServerConfiguration.load(arguments: ["--insecure.bind-port"], environment: [:])
            Issue.record("a flag without a value")
        } catch {
            #expect(error.message == "--insecure.bind-port needs a value")
        }
    }
}
