import Atomics
import Foundation
import IAMResources
import NIOCore
import Prometheus

/// What every connection of the authz server shares: the snapshot, the decider, the audit buffer, metrics.
final class AuthzContext: Sendable {
    let holder: SnapshotHolder
    let decider: AuthzDecider
    let metrics: AuthzMetrics
    /// Nil when `analytics.enable` is false.
    let audit: AuditBuffer?
    let maxBodyBytes: Int
    let enableMetrics: Bool
    /// Each event loop's audit shard, so that no two loops share one.
    private let shardOfLoop: [ObjectIdentifier: Int]
    /// Each event loop's verified tokens, by shard. A caller whose loop is not known (tests) gets no cache.
    private let tokenCaches: [VerifiedTokenCache]
    /// Record ids: a per-process prefix and a counter.
    private let recordPrefix: String
    private let recordSequence = ManagedAtomic<Int64>(0)

    init(holder: SnapshotHolder, decider: AuthzDecider, metrics: AuthzMetrics, audit: AuditBuffer?, maxBodyBytes: Int,
         enableMetrics: Bool, eventLoops: [any EventLoop] = [], tokenCacheSize: Int = 4096) {
        self.holder = holder
        var shards: [ObjectIdentifier: Int] = [:]
        for (index, loop) in eventLoops.enumerated() { shards[ObjectIdentifier(loop)] = index }
        shardOfLoop = shards
        tokenCaches = eventLoops.map { _ in VerifiedTokenCache(capacity: tokenCacheSize) }
        self.decider = decider
        self.metrics = metrics
        self.audit = audit
        self.maxBodyBytes = maxBodyBytes
        self.enableMetrics = enableMetrics
        recordPrefix = RandomToken.make(length: 12) + "-"
    }

    static func unixNow() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// The audit shard of the event loop a connection runs on.
    func shard(of loop: any EventLoop) -> Int { shardOfLoop[ObjectIdentifier(loop)] ?? 0 }

    /// The token cache of the event loop a connection runs on; nil for a loop this context was not given.
    func tokenCache(of loop: any EventLoop) -> VerifiedTokenCache? {
        shardOfLoop[ObjectIdentifier(loop)].map { tokenCaches[$0] }
    }

    /// One `POST /v1/authz`: decide, count, hand the audit record to the buffer (`shard`: the caller's event loop,
    /// `tokens`: its token cache).
    func decide(authorization: ByteBuffer?, body: UnsafeBufferPointer<UInt8>, shard: Int = 0, tokens: VerifiedTokenCache? = nil)
        -> AuthzOutcome {
        guard let snapshot = holder.snapshot else {
            let error = IAMError(.notReady, "no snapshot of secrets and policies yet: the apiserver has not been reached since start")
            metrics.decided(String(error.code.code))
            return AuthzOutcome(status: error.code.httpStatus, body: AuthzDecider.errorBody(error), result: String(error.code.code))
        }
        let outcome = decider.decide(authorization: authorization, body: body, snapshot: snapshot, now: Self.unixNow(), tokens: tokens) {
            recordPrefix + String(recordSequence.wrappingIncrementThenLoad(ordering: .relaxed))
        }
        metrics.decided(outcome.result)
        if let line = outcome.auditLine, let audit, !audit.append(line, key: shard) {
            metrics.auditDropped.increment()
        }
        return outcome
    }

    /// The authentication error for a request to an unknown path (marmotedu/iam checks the token before routing).
    func authenticationError(_ authorization: ByteBuffer?) -> IAMError? {
        guard let snapshot = holder.snapshot else { return IAMError(.notReady) }
        if case .failure(let error) = decider.authenticate(authorization, snapshot: snapshot, now: Self.unixNow()) { return error }
        return nil
    }

    /// Gauges computed at scrape time.
    func refreshGauges() {
        if let snapshot = holder.snapshot {
            metrics.snapshotAge.set((ContinuousClock.now - snapshot.confirmedAt) / .seconds(1))
        }
        metrics.auditPending.set(Double(audit?.count ?? 0))
    }
}
