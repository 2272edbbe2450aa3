import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle

/// A small HTTP listener for the operational endpoints of background roles (`iam pump` on :7070, `iam watcher` on
/// :5050, the pump's Prometheus sink): fixed GET routes whose bodies are computed per request. Hummingbird is fine
/// here — these are not hot paths.
public struct ManagementListener: Service {
    /// One route: content type and a body maker returning (status, body).
    public struct Route: Sendable {
        public var path: String
        public var contentType: String
        public var body: @Sendable () async -> (status: Int, body: String)

        public init(path: String, contentType: String = "application/json", body: @escaping @Sendable () async -> (status: Int, body: String)) {
            self.path = path
            self.contentType = contentType
            self.body = body
        }

        /// marmotedu/iam's health answer, `{"status": "ok"}` (with its space), on `path`.
        public static func health(_ path: String) -> Route {
            Route(path: path) { (200, #"{"status": "ok"}"#) }
        }

        /// Prometheus text from `text`.
        public static func metrics(_ path: String, _ text: @escaping @Sendable () -> String) -> Route {
            Route(path: path, contentType: "text/plain; version=0.0.4; charset=utf-8") { (200, text()) }
        }
    }

    public let host: String
    public let port: Int
    public let routes: [Route]
    private let logger: Logger
    private let onListening: @Sendable (Int) -> Void

    /// `address` is `HOST:PORT` (port `0` picks a free one, reported to `onListening`).
    public init(address: String, routes: [Route], logger: Logger, onListening: @escaping @Sendable (Int) -> Void = { _ in }) throws(ListenAddressError) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port) else {
            throw ListenAddressError(address: address)
        }
        var host = String(address[..<colon])
        if host.isEmpty { host = "0.0.0.0" }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        self.port = port
        self.routes = routes
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let router = Router()
        for route in routes {
            let path = route.path.hasPrefix("/") ? route.path : "/" + route.path
            router.get(RouterPath(path)) { _, _ in
                let (status, body) = await route.body()
                return Response(
                    status: HTTPResponse.Status(code: status),
                    headers: [.contentType: route.contentType],
                    body: .init(byteBuffer: ByteBuffer(string: body)))
            }
        }
        let onListening = onListening
        let logger = logger
        let host = host
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                logger.notice("listening on http://\(host):\(bound) (\(routes.map(\.path).joined(separator: ", ")))")
                onListening(bound)
            },
            logger: logger)
        try await application.run()
    }
}

/// A listen address that is not `HOST:PORT`.
public struct ListenAddressError: Error, CustomStringConvertible {
    public var address: String
    public var description: String { "\(address) is not HOST:PORT (e.g. 0.0.0.0:7070)" }
}
