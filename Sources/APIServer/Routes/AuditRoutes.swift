import Hummingbird
import IAMResources
import IAMStore

/// `POST /internal/v1/audit` (cluster token): authz servers hand over audit records, which join the queue
/// `iam pump` drains. Body `{"records":[{"id":"…","record":{…}}, …]}`; answers `{"queued":N}` (records whose id
/// was already queued are skipped, so a replayed batch is harmless). Each record is queued as the text it arrived
/// as (see ``AuditBatch``).
struct AuditRoutes {
    let server: APIServer
    /// A batch is a few MiB at most (the shipper splits larger ones); detailed records can be large.
    static let maxBatchBytes = 32 << 20

    func register(on router: Router<APIRequestContext>) {
        guard let queue = server.store as? any AuditQueueStore else { return }
        let token = server.configuration.clusterToken
        router.post("/internal/v1/audit") { request, _ in
            try ChangeFeedRoutes.checkClusterToken(request, token)
            let records = try AuditBatch.records(in: try await request.body(limit: Self.maxBatchBytes))
            let queued = try await queue.enqueueAuditRecords(records)
            return APIResponse.json("{\"queued\":\(queued)}")
        }
    }
}
