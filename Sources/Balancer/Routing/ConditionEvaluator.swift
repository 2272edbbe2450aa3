public import BalancerConfiguration
import NIOHTTP1

/// Evaluates HAProxy ACL conditions against a request.
public enum ConditionEvaluator {
    public static func holds(_ condition: Condition?, for request: RequestContext) -> Bool {
        guard let condition else { return true }
        let matched = condition.alternatives.contains { group in
            group.allSatisfy { term in
                let result = term.matchers.contains { matches($0, request) }
                return term.negated ? !result : result
            }
        }
        return condition.inverted ? !matched : matched
    }

    static func matches(_ matcher: ACLMatcher, _ request: RequestContext) -> Bool {
        switch matcher.method {
        case .boolean:
            if case .tlsConnection = matcher.fetch { return request.isTLS }
            return false
        case .found:
            return sample(matcher.fetch, request) != nil
        case .ipAddress:
            return matcher.networks.contains { $0.contains(request.clientAddress) }
        default:
            guard var value = sample(matcher.fetch, request) else { return false }
            if matcher.caseInsensitive { value = value.lowercased() }
            switch matcher.method {
            case .exact: return matcher.patterns.contains(value)
            case .beginning: return matcher.patterns.contains { value.hasPrefix($0) }
            case .ending: return matcher.patterns.contains { value.hasSuffix($0) }
            case .substring: return matcher.patterns.contains { value.contains($0) }
            case .regex: return matcher.regexes.contains { $0.matches(value) }
            case .domain: return matcher.patterns.contains { delimitedMatch(value, $0, delimiter: ".") }
            case .directory: return matcher.patterns.contains { delimitedMatch(value, $0, delimiter: "/") }
            case .ipAddress, .boolean, .found: return false
            }
        }
    }

    private static func sample(_ fetch: SampleFetch, _ request: RequestContext) -> String? {
        switch fetch {
        case .path: return String(request.path)
        case .url: return request.head.uri
        case .header(let name): return request.header(name)
        case .sourceAddress: return request.clientAddress
        case .method: return request.head.method.rawValue.lowercased()
        case .tlsConnection: return request.isTLS ? "1" : nil
        case .queryParameter(let name): return request.queryParameter(name)
        }
    }

    /// HAProxy `_dom`/`_dir`: the pattern matches a whole run of delimiter-separated parts of the value
    /// (`example.com` in `www.example.com:80` for hosts, `api` in `/v1/api/x` for paths).
    private static func delimitedMatch(_ value: String, _ pattern: String, delimiter: Character) -> Bool {
        let separators: Set<Character> = delimiter == "." ? [".", ":"] : ["/", "?"]
        let parts = value.split(whereSeparator: { separators.contains($0) }).map(String.init)
        let wanted = pattern.split(separator: delimiter).map(String.init)
        guard !wanted.isEmpty, wanted.count <= parts.count else { return false }
        for start in 0...(parts.count - wanted.count) where Array(parts[start..<(start + wanted.count)]) == wanted {
            return true
        }
        return false
    }
}
