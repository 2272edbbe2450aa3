import Hummingbird
import IAMResources
import IAMStore
import Logging
import NIOCore
import Prometheus

/// `/healthz`, `/version`, `/metrics`, `/openapi.json`: no authentication.
struct GenericRoutes {
    let server: APIServer

    func register(on router: Router<APIRequestContext>) {
        let server = server
        if server.configuration.healthz {
            router.get("/healthz") { _, _ in
                do {
                    try await server.store.ping()
                    server.metrics.storeUp.set(Int64(1))
                    return APIResponse.json(#"{"status":"ok","store":"\#(server.store.engine)"}"#)
                } catch {
                    server.metrics.storeUp.set(Int64(0))
                    server.logger.error("health check cannot reach the store", metadata: ["error": "\(error)"])
                    return APIResponse.json(#"{"status":"unavailable","store":"\#(server.store.engine)"}"#, status: .serviceUnavailable)
                }
            }
        }
        router.get("/version") { _, _ in APIResponse.json(BuildInfo.json) }
        if server.configuration.enableMetrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: server.metrics.text())))
            }
        }
        router.get("/openapi.json") { _, _ in APIResponse.json(OpenAPIDocument.text) }
    }
}
