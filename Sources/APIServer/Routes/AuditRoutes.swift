import Hummingbird
import IAMResources
import IAMStore
import PolicyEngine

/// `POST /internal/v1/audit` (cluster token): authz servers hand over audit records, which join the queue
/// `iam pump` drains. Body `{"records":[{"id":"…","record":{…}}, …]}`; answers `{"queued":N}` (records whose id
/// was already queued are skipped, so a replayed batch is harmless).
struct AuditRoutes {
    let server: APIServer
    /// A batch is a few MiB at most (the shipper splits larger ones); detailed records can be large.
    static let maxBatchBytes = 32 << 20

    func register(on router: Router<APIRequestContext>) {
        guard let queue = server.store as? any AuditQueueStore else { return }
        let token = server.configuration.clusterToken
        router.post("/internal/v1/audit") { request, _ in
            try ChangeFeedRoutes.checkClusterToken(request, token)
            let body = try await request.jsonFields(limit: Self.maxBatchBytes)
            guard case .array(let items)? = body.value("records") else {
                throw IAMError(.bind, "records must be an array of {\"id\":\"…\",\"record\":{…}}")
            }
            var records: [QueuedAuditRecord] = []
            records.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                guard case .string(let id)? = item.member("id"), !id.isEmpty, id.utf8.count <= 128,
                      case .object? = item.member("record"), let record = item.member("record") else {
                    throw IAMError(.bind, "records[\(index)] must be {\"id\": a string of 1-128 bytes, \"record\": an object}")
                }
                records.append(QueuedAuditRecord(id: id, json: record.description))
            }
            let queued = try await queue.enqueueAuditRecords(records)
            return APIResponse.json("{\"queued\":\(queued)}")
        }
    }
}
