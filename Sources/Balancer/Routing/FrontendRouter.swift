public import BalancerConfiguration
import NIOHTTP1

/// Routes a frontend's requests: picks the site by Host, then applies HAProxy rules or nginx locations.
public struct FrontendRouter: Sendable {
    public let frontend: Frontend
    /// Backends' own `http-request` rules and `option forwardfor`, applied once a backend is chosen.
    let backendRules: [String: (rules: [ConditionalRule<RequestAction>], forwardedFor: ForwardedForOption?)]

    public init(frontend: Frontend, backends: [String: Backend]) {
        self.frontend = frontend
        var rules: [String: ([ConditionalRule<RequestAction>], ForwardedForOption?)] = [:]
        for (name, backend) in backends where !backend.requestRules.isEmpty || backend.forwardedFor != nil {
            rules[name] = (backend.requestRules, backend.forwardedFor)
        }
        self.backendRules = rules
    }

    /// Routes `request`, applying HAProxy header rules to its head on the way.
    public func route(_ request: inout RequestContext) -> RouteDecision {
        guard let site = site(for: request) else {
            return .respond(ErrorPages.response(404, style: frontend.errorPageStyle, close: false))
        }
        if case .exact(let name) = site.serverNames.first { request.serverName = name }
        switch site.router {
        case .rules(let rules): return route(&request, rules: rules)
        case .locations(let locations): return route(&request, locations: locations)
        }
    }

    /// nginx's virtual host choice: exact name, longest `*.` wildcard, longest `.*` wildcard, first regex, then
    /// the port's default server (marked `default_server`, else the first declared).
    public func site(for request: RequestContext) -> Site? {
        let sites = frontend.sites
        if sites.count == 1 { return sites[0] }
        let host = request.hostWithoutPort ?? ""
        var leading: (Site, Int)?
        var trailing: (Site, Int)?
        for site in sites {
            for pattern in site.serverNames {
                switch pattern {
                case .exact(let name):
                    if name == host { return site }
                case .leadingWildcard(let suffix):
                    if host.hasSuffix(suffix) || "." + host == suffix, suffix.count > (leading?.1 ?? -1) { leading = (site, suffix.count) }
                case .trailingWildcard(let prefix):
                    if host.hasPrefix(prefix), prefix.count > (trailing?.1 ?? -1) { trailing = (site, prefix.count) }
                case .regex:
                    continue
                }
            }
        }
        if let leading { return leading.0 }
        if let trailing { return trailing.0 }
        for site in sites {
            for case .regex(let regex) in site.serverNames where regex.matches(host) { return site }
        }
        return sites.first { $0.defaultForPorts.contains(request.localPort) } ?? sites.first
    }

    // MARK: HAProxy

    private func route(_ request: inout RequestContext, rules: RuleRouter) -> RouteDecision {
        if let decision = apply(rules.requestRules, to: &request) { return decision }
        for rule in rules.redirects where ConditionEvaluator.holds(rule.condition, for: request) {
            return .respond(redirect(rule.action, request))
        }
        var backend = rules.defaultBackend
        for rule in rules.backendSwitches where ConditionEvaluator.holds(rule.condition, for: request) {
            backend = rule.action
            break
        }
        guard let backend else { return .respond(ErrorPages.response(503, style: .haproxy, close: false)) }
        var forwardedFor = rules.forwardedFor
        if let own = backendRules[backend] {
            if let decision = apply(own.rules, to: &request) { return decision }
            forwardedFor = forwardedFor ?? own.forwardedFor
        }
        var plan = ProxyPlan(backend: backend, uri: request.head.uri)
        plan.forwardedFor = forwardedFor
        return .proxy(plan)
    }

    private func apply(_ rules: [ConditionalRule<RequestAction>], to request: inout RequestContext) -> RouteDecision? {
        for rule in rules where ConditionEvaluator.holds(rule.condition, for: request) {
            switch rule.action {
            case .header(let edit):
                HeaderEditor.apply(edit, to: &request)
            case .redirect(let redirect):
                return .respond(self.redirect(redirect, request))
            case .deny(let status):
                return .respond(ErrorPages.response(status, style: frontend.errorPageStyle, close: false))
            case .allow:
                return nil
            }
        }
        return nil
    }

    private func redirect(_ redirect: RedirectDefinition, _ request: RequestContext) -> LocalResponse {
        var target: String
        let pathAndQuery = redirect.dropQuery ? String(request.path) : request.head.uri
        switch redirect.kind {
        case .scheme(let scheme):
            let host = request.header("host") ?? request.serverName
            // HAProxy drops the port when switching scheme only if it is the default one of the old scheme.
            let bareHost = host.hasSuffix(":80") && scheme == "https" ? String(host.dropLast(3)) : host
            target = "\(scheme)://\(bareHost)\(pathAndQuery)"
        case .location(let template):
            target = request.render(template)
        case .prefix(let prefix):
            target = (prefix == "/" ? "" : prefix) + pathAndQuery
        }
        if redirect.appendSlash, !target.hasSuffix("/"), request.query == nil { target += "/" }
        return ErrorPages.redirect(redirect.status, to: target)
    }

    // MARK: nginx

    private func route(_ request: inout RequestContext, locations: LocationRouter) -> RouteDecision {
        if let serverReturn = locations.serverReturn { return respond(serverReturn, request, settings: locations.serverSettings) }
        let path = String(request.path)
        guard let location = locations.select(path: path) else {
            return .respond(ErrorPages.response(404, style: .nginx, close: false))
        }
        switch location.action {
        case .proxy(let pass):
            var uri = request.head.uri
            if let replacement = pass.uri {
                switch location.match {
                case .prefix(let prefix), .prefixSkippingRegexes(let prefix):
                    uri = replacement + path.dropFirst(prefix.count) + (request.query.map { "?" + $0 } ?? "")
                case .exact:
                    uri = replacement + (request.query.map { "?" + $0 } ?? "")
                case .regex:
                    break
                }
            }
            request.proxyHost = pass.proxyHost
            var plan = ProxyPlan(backend: pass.backend, uri: uri)
            plan.headerEdits = location.settings.headerEdits
            plan.maxBodyBytes = location.settings.maxBodyBytes
            plan.connectTimeout = location.settings.connectTimeout
            plan.readTimeout = location.settings.readTimeout
            plan.nextUpstream = location.settings.nextUpstream
            plan.errorPages = location.settings.errorPages
            plan.hostHeader = pass.proxyHost
            return .proxy(plan)
        case .respond, .staticFiles:
            return respond(location.action, request, settings: location.settings)
        }
    }

    private func respond(_ action: LocationAction, _ request: RequestContext, settings: ProxySettings) -> RouteDecision {
        switch action {
        case .respond(let status, let text):
            let rendered = text.map { request.render($0) } ?? ""
            if [301, 302, 303, 307, 308].contains(status) {
                return .respond(ErrorPages.redirect(status, to: rendered))
            }
            if rendered.isEmpty, status >= 400 {
                return .respond(ErrorPages.response(status, style: .nginx, close: false))
            }
            return .respond(LocalResponse(status: status, headers: [("content-type", "text/plain")], body: rendered))
        case .staticFiles, .proxy:
            return .respond(ErrorPages.response(404, style: .nginx, close: false))
        }
    }
}

/// Header edits on a request head.
enum HeaderEditor {
    static func apply(_ edit: HeaderEdit, to request: inout RequestContext) {
        switch edit.operation {
        case .set(let template):
            let value = request.render(template)
            request.head.headers.replaceOrAdd(name: edit.name, value: value)
        case .add(let template):
            let value = request.render(template)
            request.head.headers.add(name: edit.name, value: value)
        case .remove:
            request.head.headers.remove(name: edit.name)
        }
    }
}
