public import BalancerConfiguration
import Foundation

/// A frontend ready to serve: its router, metrics, limits and error pages.
public final class FrontendRuntime: Sendable {
    public let definition: Frontend
    public let router: FrontendRouter
    public let metrics: FrontendMetrics
    public let backends: [String: BackendRuntime]
    /// nginx `error_page` targets that are files under a static location's root, read at start so an error
    /// never waits on the disk.
    let staticPages: [String: String]

    init(definition: Frontend, backends: [String: BackendRuntime], backendDefinitions: [String: Backend], metrics: FrontendMetrics) {
        self.definition = definition
        self.router = FrontendRouter(frontend: definition, backends: backendDefinitions)
        self.metrics = metrics
        self.backends = backends
        self.staticPages = Self.loadStaticPages(definition)
    }

    var style: ErrorPageStyle { definition.errorPageStyle }

    private static func loadStaticPages(_ frontend: Frontend) -> [String: String] {
        var pages: [String: String] = [:]
        for site in frontend.sites {
            guard case .locations(let router) = site.router else { continue }
            var targets = Set(router.serverSettings.errorPages.values.map(\.uri))
            for location in router.locations { targets.formUnion(location.settings.errorPages.values.map(\.uri)) }
            for uri in targets {
                guard let location = router.select(path: uri), case .staticFiles(let root?) = location.action else { continue }
                let path = (root.hasPrefix("/") ? root : "/etc/nginx/" + root) + uri
                if let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 {
                    pages[uri] = String(decoding: data, as: UTF8.self)
                }
            }
        }
        return pages
    }

    /// The local response for an error `status`, honouring nginx `error_page` when the page file exists.
    func errorResponse(_ status: Int, pages: [Int: ErrorPageTarget], close: Bool? = nil) -> LocalResponse {
        var response = ErrorPages.response(status, style: style, close: close)
        if let target = pages[status], let body = staticPages[target.uri] {
            response.status = target.replacementStatus ?? status
            response.body = body
        }
        return response
    }
}
