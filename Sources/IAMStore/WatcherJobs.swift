public import IAMResources

/// The housekeeping `iam watcher` runs (§4 of the reference).
public enum WatcherJob: Sendable, Equatable {
    /// `clean`: delete `policy_audit` rows whose policy was deleted before this time.
    case purgePolicyAudit(deletedBefore: Timestamp)
    /// `task`: disable (status 0) non-admin users whose last login — or creation, if they never logged in — is
    /// before this time.
    case disableInactiveUsers(lastActiveBefore: Timestamp)
}

/// What a job run did.
public enum WatcherJobOutcome: Sendable, Equatable {
    /// Another watcher holds the job right now.
    case busy
    /// The job already ran less than its interval ago (by this watcher or another).
    case notDue
    /// The job ran and touched this many rows.
    case ran(affected: Int)
}

public protocol WatcherStore: Sendable {
    /// Runs `job` as `name` in one transaction: skipped when another watcher holds it (PostgreSQL advisory lock;
    /// SQLite has one writer) or when it last ran less than `intervalSeconds` before `now`. A job that fails rolls
    /// back with its claim, so the next tick tries again.
    func runWatcherJob(_ name: String, _ job: WatcherJob, intervalSeconds: Int64, now: Timestamp) async throws -> WatcherJobOutcome
    /// How many times each job has run, from `watcher_runs`.
    func watcherRunCounts() async throws -> [String: Int]
}
