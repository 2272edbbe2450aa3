import Hummingbird
import IAMResources
import IAMStore

/// `POST /internal/v1/audit` (cluster token): authz servers hand over audit records, which join the queue
/// `iam pump` drains. Body `{"records":[{"id":"…","record":{…}}, …]}`; answers `{"queued":N}`. The batch is queued
/// as one row, its records as the text they arrived as (see ``AuditBatch``); a batch already queued, the same record
/// ids in the same order, is skipped (`{"queued":0}`), so a batch sent again is harmless.
struct AuditRoutes {
    let server: APIServer
    /// A batch is a few MiB at most (the shipper splits larger ones); detailed records can be large.
    static let maxBatchBytes = 32 << 20

    func register(on router: Router<APIRequestContext>) {
        guard let queue = server.store as? any AuditQueueStore else { return }
        let token = server.configuration.clusterToken
        router.post("/internal/v1/audit") { request, _ in
            try ChangeFeedRoutes.checkClusterToken(request, token)
            let batch = try AuditBatch.batch(in: try await request.body(limit: Self.maxBatchBytes))
            let queued = try await queue.enqueueAuditBatch(batch)
            return APIResponse.json("{\"queued\":\(queued)}")
        }
    }
}
