import IAMConfiguration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import IAMResources
import IAMStore
public import Logging
import NIOCore
import NIOSSL
public import ServiceLifecycle
import UnixSignals

/// The apiserver as a long-running service: migrates the schema, creates the first admin, then serves plain HTTP
/// and (with a certificate) HTTPS from one router until graceful shutdown, finishing in-flight requests.
public struct APIServerService: Service {
    public let server: APIServer
    private let migrateFirst: Bool
    private let adminPassword: String?
    private let onListening: @Sendable (String, Int) -> Void

    /// - Parameters:
    ///   - migrateFirst: migrate before serving (PostgreSQL, whose pool only runs inside the service group).
    ///   - adminPassword: `IAM_ADMIN_PASSWORD`; nil generates one when the store is empty.
    ///   - onListening: called with scheme and port as each listener binds (port 0 picks a free one).
    public init(
        server: APIServer, migrateFirst: Bool, adminPassword: String?,
        onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }
    ) {
        self.server = server
        self.migrateFirst = migrateFirst
        self.adminPassword = adminPassword
        self.onListening = onListening
    }

    public func run() async throws {
        let logger = server.logger
        let configuration = server.configuration
        if migrateFirst, let store = server.store as? SQLStore { try await store.migrate() }
        if let generated = try await server.bootstrapAdmin(password: adminPassword) {
            logger.warning("created user admin with generated password \(generated) (shown once; set IAM_ADMIN_PASSWORD to choose it)")
        }
        if configuration.jwtKey.isEmpty {
            logger.warning("jwt.key is not set: login tokens use a random key and stop working when this process restarts")
        }
        let router = server.makeRouter()
        var applications: [Application<RouterResponder<APIRequestContext>>] = []
        let onListening = onListening
        func listener(_ scheme: String, _ address: String, _ port: Int, _ server: HTTPServerBuilder) {
            let requested = port == APIServerConfiguration.anyFreePort ? 0 : port
            applications.append(Application(
                router: router, server: server, configuration: .init(address: .hostname(address, port: requested)),
                onServerRunning: { channel in
                    let bound = channel.localAddress?.port ?? requested
                    logger.notice("apiserver listening on \(scheme)://\(address):\(bound) (store: \(self.server.store.engine))")
                    onListening(scheme, bound)
                },
                logger: logger))
        }
        if configuration.insecureBindPort != 0 {
            listener("http", configuration.insecureBindAddress, configuration.insecureBindPort, .http1())
        }
        if !configuration.secureCertFile.isEmpty, configuration.secureBindPort != 0 {
            listener("https", configuration.secureBindAddress, configuration.secureBindPort,
                     try .tls(.http1(), tlsConfiguration: try Self.tlsConfiguration(configuration)))
        }
        guard !applications.isEmpty else {
            throw ConfigurationError(
                "nothing to serve: insecure.bind-port is 0 and HTTPS needs secure.tls.cert-key.cert-file, its private key and a secure.bind-port")
        }
        let feed = configuration.clusterToken.isEmpty ? nil : server.store as? any ChangeFeedStore
        try await withThrowingDiscardingTaskGroup { group in
            for application in applications {
                group.addTask { try await application.run() }
            }
            if let feed {
                group.addTask { try await cancelWhenGracefulShutdown { try await feed.followNotifications(logger: logger) } }
            }
        }
    }

    static func tlsConfiguration(_ configuration: APIServerConfiguration) throws -> TLSConfiguration {
        guard !configuration.securePrivateKeyFile.isEmpty else {
            throw ConfigurationError("secure.tls.cert-key.cert-file is set but secure.tls.cert-key.private-key-file is not")
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(configuration.secureCertFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: configuration.securePrivateKeyFile, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw ConfigurationError("cannot load the TLS certificate \(configuration.secureCertFile) and key \(configuration.securePrivateKeyFile): \(error)")
        }
    }
}

/// Opens the configured store and runs the apiserver until SIGTERM or SIGINT.
public enum APIServerProcess {
    public static func run(configuration: APIServerConfiguration, adminPassword: String?, logger: Logger) async throws {
        do {
            try await StoreProcess.run(store: configuration.store, dataDirectory: configuration.dataDirectory, logger: logger) { opened, _ in
                let server = APIServer(configuration: configuration, store: opened.store, logger: logger)
                return [APIServerService(server: server, migrateFirst: opened.service != nil, adminPassword: adminPassword)]
            }
        } catch let error as StoreError where error.message.hasPrefix("--store") {
            throw ConfigurationError(error.message)
        }
    }
}
