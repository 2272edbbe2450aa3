import Foundation
import HTTPTypes
import Hummingbird
import Prometheus
import IAMResources
import Logging

/// Runs around every request: request ID, authentication of non-public routes (before routing, so an unknown path
/// without credentials is 401 as in marmotedu/iam), error bodies, security headers, metrics and one log line.
struct APIMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let authenticator: Authenticator
    let metrics: APIMetrics
    let realm: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        context.requestID = Self.requestID(request.headers[.xRequestID])
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response: Response
        do {
            // Text with NUL cannot be stored (PostgreSQL refuses it) and names never contain it.
            if request.uri.description.contains("%00") {
                throw IAMError(.bind, "the path or query contains a NUL character (%00)")
            }
            if !Self.isPublic(request) || (Self.isOptionallyAuthenticated(request) && request.headers[.authorization] != nil) {
                context.caller = try await authenticator.authenticate(
                    header: request.headers[.authorization], now: Int64(Date().timeIntervalSince1970))
                context.logger[metadataKey: "user"] = .string(context.caller!.name)
            }
            response = try await next(request, context)
        } catch {
            response = errorResponse(error, context: context)
        }
        response.headers[.xRequestID] = context.requestID
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        if request.uri.path.hasPrefix("/v1/") || ["/login", "/refresh", "/logout"].contains(request.uri.path) {
            response.headers[.cacheControl] = "no-cache, no-store, max-age=0, must-revalidate"
        }
        let route = context.endpointPath ?? "unmatched"
        let elapsed = ContinuousClock.now - started
        metrics.record(route: route, method: request.method.rawValue, status: response.status.code, duration: elapsed)
        context.logger.info("\(request.method) \(request.uri.path) \(response.status.code)", metadata: [
            "route": .string(route), "duration_ms": .stringConvertible(elapsed / .milliseconds(1)),
        ])
        return response
    }

    private func errorResponse(_ error: any Error, context: Context) -> Response {
        let apiError: IAMError
        switch error {
        case let error as IAMError: apiError = error
        case let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed:
            apiError = IAMError(.pageNotFound)
        case let error as HTTPError where error.status == .contentTooLarge:
            apiError = IAMError(.bodyTooLarge, "the body is too large")
        case let error as HTTPError where error.status.code < 500:
            apiError = IAMError(.bind, error.body ?? error.status.reasonPhrase)
        default:
            apiError = IAMError(.database, String(describing: error))
        }
        if apiError.code.httpStatus >= 500 {
            context.logger.error("request failed", metadata: ["error": .string(apiError.description)])
        } else {
            context.logger.debug("request refused", metadata: ["error": .string(apiError.description)])
        }
        return APIResponse.error(apiError, realm: realm)
    }

    /// Routes anyone may call.
    static func isPublic(_ request: Request) -> Bool {
        // The change feed checks the cluster token itself.
        if request.uri.path.hasPrefix("/internal/") { return true }
        return switch (request.method, request.uri.path) {
        case (.get, "/healthz"), (.get, "/version"), (.get, "/metrics"), (.get, "/openapi.json"),
            (.post, "/login"), (.post, "/logout"), (.post, "/refresh"), (.post, "/v1/users"):
            true
        default: false
        }
    }

    /// Public routes that still read credentials when given: an admin creating a user may set `isAdmin`.
    static func isOptionallyAuthenticated(_ request: Request) -> Bool {
        request.method == .post && request.uri.path == "/v1/users"
    }

    /// The client's `X-Request-ID` when it is sane (printable, at most 128 bytes), else a new UUID.
    static func requestID(_ given: String?) -> String {
        if let given, !given.isEmpty, given.utf8.count <= 128, given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) {
            return given
        }
        return UUID().uuidString.lowercased()
    }
}

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-ID")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
