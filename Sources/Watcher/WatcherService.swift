import Foundation
public import IAMResources
public import IAMStore
public import Logging
public import ServiceLifecycle

/// `iam watcher`: runs `clean` (purge old `policy_audit` rows) and `task` (disable inactive users) once per
/// interval across all watchers. Every minute (or interval, if shorter) each job is offered to the store, which
/// runs it only if no other watcher holds it and it is due, so starting several watchers is safe and a job still
/// runs while one of them is down.
public struct WatcherService: Service {
    let store: any WatcherStore
    let configuration: WatcherConfiguration
    /// SQLite: the lock file next to the database that makes one watcher the leader.
    let lockPath: String?
    let logger: Logger
    let now: @Sendable () -> Timestamp

    public init(store: any WatcherStore, configuration: WatcherConfiguration, lockPath: String?, logger: Logger,
                now: @escaping @Sendable () -> Timestamp = Timestamp.now) {
        self.store = store
        self.configuration = configuration
        self.lockPath = lockPath
        self.logger = logger
        self.now = now
    }

    /// The jobs as of `time`.
    func jobs(at time: Timestamp) -> [(String, WatcherJob)] {
        var jobs: [(String, WatcherJob)] = [
            ("clean", .purgePolicyAudit(deletedBefore: Timestamp(microseconds: time.microseconds - Int64(configuration.maxReserveDays) * 86_400_000_000))),
        ]
        if configuration.maxInactiveDays > 0 {
            jobs.append(("task", .disableInactiveUsers(
                lastActiveBefore: Timestamp(microseconds: time.microseconds - Int64(configuration.maxInactiveDays) * 86_400_000_000))))
        }
        return jobs
    }

    public func run() async throws {
        let tick = Duration.seconds(min(configuration.intervalSeconds, 60))
        logger.notice("watcher: jobs \(jobs(at: now()).map(\.0).joined(separator: ", ")) every \(configuration.intervalSeconds) s")
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await runDueJobs()
            var slept = Duration.zero
            while slept < tick, !Task.isShuttingDownGracefully, !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                slept += .milliseconds(100)
            }
        }
    }

    /// Offers every job once; returns what each did.
    @discardableResult
    public func runDueJobs() async -> [String: WatcherJobOutcome] {
        var lock: FileLock?
        if let lockPath {
            do {
                lock = try FileLock(path: lockPath)
            } catch {
                logger.error("\(error)")
                return [:]
            }
            guard lock != nil else {
                logger.debug("another watcher holds \(lockPath); not running jobs this tick")
                return [:]
            }
        }
        defer { withExtendedLifetime(lock) {} }
        var outcomes: [String: WatcherJobOutcome] = [:]
        let time = now()
        for (name, job) in jobs(at: time) {
            do {
                let outcome = try await store.runWatcherJob(name, job, intervalSeconds: configuration.intervalSeconds, now: time)
                outcomes[name] = outcome
                switch outcome {
                case .ran(let affected): logger.notice("watcher job \(name) ran: \(affected) row(s) \(name == "clean" ? "purged" : "disabled")")
                case .busy: logger.info("watcher job \(name) is already running in another watcher")
                case .notDue: logger.debug("watcher job \(name) ran less than \(configuration.intervalSeconds) s ago")
                }
            } catch {
                logger.error("watcher job \(name) failed, will retry next tick: \(error)")
            }
        }
        return outcomes
    }
}
