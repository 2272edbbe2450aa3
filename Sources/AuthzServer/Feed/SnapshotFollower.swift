import Logging
import NIOCore
import NIOHTTP1
import Prometheus
import ServiceLifecycle

/// Keeps the ``SnapshotHolder`` current: loads `/internal/v1/snapshot`, then long-polls `/internal/v1/changes`
/// and, for each batch, reloads the changed owners from `/internal/v1/owners/:name` and swaps in the new snapshot.
/// A pruned log (410) or a missing revision means a full reload — never a silently stale cache. While no apiserver
/// answers, decisions continue on the last snapshot and its age grows (`iam_authz_snapshot_age_seconds`).
struct SnapshotFollower: Sendable {
    let link: APIServerLink
    let holder: SnapshotHolder
    let metrics: AuthzMetrics
    let waitSeconds: Int
    /// Render every candidate policy for audit records (`analytics.enable-detailed-recording`).
    let detailedRecording: Bool
    let logger: Logger

    func run() async {
        var needsSnapshot = true
        var backoff = Duration.milliseconds(50)
        while !Task.isCancelled {
            do {
                if needsSnapshot || holder.snapshot == nil {
                    try await loadSnapshot()
                    needsSnapshot = false
                }
                needsSnapshot = try await followOnce()
                backoff = .milliseconds(50)
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                metrics.feedErrors.increment()
                logger.warning("change feed: \(error); deciding on the snapshot at revision \(holder.snapshot?.revision ?? 0), retrying in \(backoff)")
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(2))
            }
        }
    }

    private func loadSnapshot() async throws {
        let answer = try await link.call(.GET, "/internal/v1/snapshot", timeout: .seconds(30))
        guard answer.status == 200 else { throw FeedDocuments.FeedError(Self.problem("snapshot", answer)) }
        let document = try FeedDocuments.snapshot(answer.body)
        let snapshot = AuthzSnapshot(revision: document.revision, secrets: document.secrets, policies: document.policies,
                                     detailedRecording: detailedRecording)
        holder.replace(snapshot)
        metrics.snapshotReloads.increment()
        metrics.snapshotRevision.set(Double(snapshot.revision))
        logger.info("loaded snapshot at revision \(snapshot.revision): \(snapshot.secrets.count) secrets, \(snapshot.owners.count) owners with policies")
    }

    /// One long poll and what it brings; true when a full reload is needed.
    private func followOnce() async throws -> Bool {
        guard let current = holder.snapshot else { return true }
        let path = "/internal/v1/changes?after=\(current.revision)&wait=\(waitSeconds)&owners=1&objects=1"
        let answer = try await link.call(.GET, path, timeout: .seconds(Int64(waitSeconds) + 10))
        if answer.status == 410 {
            logger.notice("the change log no longer reaches revision \(current.revision); reloading the snapshot")
            return true
        }
        guard answer.status == 200 else { throw FeedDocuments.FeedError(Self.problem("changes", answer)) }
        let batch = try FeedDocuments.changes(answer.body)
        guard let first = batch.changes.first else {
            holder.replace(current.confirmed(at: current.revision))
            return false
        }
        guard first.revision == current.revision + 1 else {
            logger.warning("change feed skipped from revision \(current.revision) to \(first.revision); reloading the snapshot")
            return true
        }
        // Owners named by a user change (or by a change without its object) are read whole; the other changes
        // apply their one object.
        var owners: [String] = []
        for change in batch.changes where change.object == nil && !owners.contains(change.username) {
            owners.append(change.username)
        }
        let states: [FeedDocuments.Owner]
        if owners.isEmpty {
            states = []
        } else if let sent = batch.owners, Set(sent.map(\.username)).isSuperset(of: owners) {
            states = sent
        } else {
            states = try await fetchOwners(owners)
        }
        var objects: [AuthzSnapshot.ObjectChange] = []
        for change in batch.changes where !owners.contains(change.username) {
            switch (change.object, change.kind) {
            case (.secret(let secret)?, _): objects.append(.secret(owner: change.username, name: change.name, secret))
            case (.policy(let policy)?, _): objects.append(.policy(owner: change.username, name: change.name, policy))
            case (.gone?, "secret"): objects.append(.secret(owner: change.username, name: change.name, nil))
            case (.gone?, _): objects.append(.policy(owner: change.username, name: change.name, nil))
            case (nil, _): break
            }
        }
        var next = current.applying(objects, revision: batch.revision, detailedRecording: detailedRecording)
        for state in states where owners.contains(state.username) {
            guard state.revision >= batch.revision else {
                logger.warning("owner \(state.username) read at revision \(state.revision), older than the change at \(batch.revision); reloading the snapshot")
                return true
            }
            next = next.replacingOwner(state.username, secrets: state.secrets, policies: state.policies, revision: batch.revision,
                                       detailedRecording: detailedRecording)
        }
        holder.replace(next)
        metrics.snapshotRevision.set(Double(next.revision))
        logger.debug("applied revisions \(first.revision)...\(batch.revision) for \(owners.count) owner(s)")
        return false
    }

    /// Each owner's state from `/internal/v1/owners/:name`, in parallel (apiservers that do not send them along).
    private func fetchOwners(_ owners: [String]) async throws -> [FeedDocuments.Owner] {
        try await withThrowingTaskGroup(of: FeedDocuments.Owner.self) { group in
            for owner in owners {
                group.addTask {
                    let escaped = owner.addingPercentEncodingForPath()
                    let answer = try await link.call(.GET, "/internal/v1/owners/" + escaped, timeout: .seconds(10))
                    guard answer.status == 200 else { throw FeedDocuments.FeedError(Self.problem("owner \(owner)", answer)) }
                    return try FeedDocuments.owner(answer.body)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    private static func problem(_ what: String, _ answer: APIServerLink.Answer) -> String {
        "\(what): HTTP \(answer.status) \(String(decoding: answer.body.prefix(300), as: UTF8.self))"
    }
}

extension String {
    /// Percent-encodes everything but unreserved characters, for one path segment.
    func addingPercentEncodingForPath() -> String {
        var result = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}
