import Hummingbird
import IAMResources
import IAMStore

extension ListQuery {
    /// `offset`, `limit` (-1 unlimited, default 1000) and `fieldSelector=name=x` (exact) from the query string.
    init(request: Request) throws(IAMError) {
        self.init()
        if let text = request.queryValue("offset") {
            guard let offset = Int64(text), offset >= 0 else { throw IAMError(.bind, "offset must be a whole number >= 0, not \(text)") }
            self.offset = offset
        }
        if let text = request.queryValue("limit") {
            guard let limit = Int64(text), limit >= -1 else { throw IAMError(.bind, "limit must be a whole number >= 0, or -1 for all, not \(text)") }
            self.limit = limit == -1 ? nil : limit
        }
        if let selector = request.queryValue("fieldSelector"), !selector.isEmpty {
            for term in selector.split(separator: ",") {
                let parts = term.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, ["name", "metadata.name"].contains(String(parts[0])) else {
                    throw IAMError(.bind, "fieldSelector supports name=VALUE only, not \(term)")
                }
                name = String(parts[1])
            }
        }
    }
}
