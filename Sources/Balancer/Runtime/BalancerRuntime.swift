public import BalancerConfiguration
public import Logging

/// A configuration made ready to serve: every backend and server with its shared state and metrics, every
/// frontend with its router.
public final class BalancerRuntime: Sendable {
    public let configuration: LoadBalancerConfiguration
    public let metrics: BalancerMetrics
    public let backends: [String: BackendRuntime]
    public let frontends: [FrontendRuntime]
    let serverCount: Int

    public init(configuration: LoadBalancerConfiguration, logger: Logger) {
        self.configuration = configuration
        let metrics = BalancerMetrics()
        self.metrics = metrics
        var backends: [String: BackendRuntime] = [:]
        var globalIndex = 0
        for name in configuration.backends.keys.sorted() {
            let definition = configuration.backends[name]!
            var servers: [ServerRuntime] = []
            for (index, server) in definition.servers.enumerated() {
                let runtime = ServerRuntime(
                    definition: server, backendName: name, index: index, globalIndex: globalIndex,
                    metrics: metrics.server(backend: name, name: server.name)
                )
                globalIndex += 1
                if !runtime.resolve() {
                    runtime.setHealthy(false)
                    logger.warning("Server \(runtime.qualifiedName) is DOWN, reason: cannot resolve \"\(server.host)\"; retried by its health checks")
                }
                servers.append(runtime)
            }
            backends[name] = BackendRuntime(definition: definition, servers: servers, metrics: metrics.backend(name))
        }
        self.backends = backends
        self.serverCount = globalIndex
        self.frontends = configuration.frontends.map { frontend in
            FrontendRuntime(definition: frontend, backends: backends, backendDefinitions: configuration.backends, metrics: metrics.frontend(frontend.name))
        }
    }
}
