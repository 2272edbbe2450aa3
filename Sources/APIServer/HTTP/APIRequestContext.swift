public import Hummingbird
public import IAMResources
import Logging

/// Per-request state of the apiserver: the request ID and, once authenticated, the calling user.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Echoed from `X-Request-ID` or generated; on every log line and response.
    public var requestID = ""
    /// The authenticated caller; nil on public routes.
    public var caller: User?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The authenticated caller, or 401 when the route was reached without one (a routing mistake, not a client's).
    func requireCaller() throws(IAMError) -> User {
        guard let caller else { throw IAMError(.invalidAuthHeader, "this route needs credentials") }
        return caller
    }
}
