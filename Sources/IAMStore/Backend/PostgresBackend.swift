public import Logging
import NIOCore
import NIOPosix
import PostgresKit
public import PostgresNIO
public import SQLKit
import Synchronization

/// PostgreSQL through a `PostgresClient` pool. The client's `run()` must be running (the apiserver's service
/// group does that) for connections to be leased.
public final class PostgresBackend: SQLBackend {
    public let engine = "postgres"
    public let client: PostgresClient
    private let logger: Logger
    /// How long a call waits for a pooled connection before it fails with a ``StoreError``. While the database
    /// refuses connections the pool keeps callers waiting, retrying, until its circuit breaker trips after a minute:
    /// requests hung that long (and so did SIGTERM, which lets them finish). Once a call has its connection no limit
    /// applies. (As with other pools' connection timeouts, the call also fails when every connection stays busy that
    /// long, or when the process is so starved of CPU that the lease's task does not run for that long.)
    public let connectionWait: Duration

    public init(client: PostgresClient, logger: Logger, connectionWait: Duration = .seconds(10)) {
        self.client = client
        self.logger = logger
        self.connectionWait = connectionWait
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            try await withinConnectionWait { [client] leased in
                try await client.withConnection { connection in
                    leased()
                    return try await body(connection.sql())
                }
            }
        }
    }

    /// A connection outside any explicit transaction, as for ``read(_:)``.
    public func singleStatement<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await read(body)
    }

    public func consistentRead<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await read { database in
            try await database.explicitTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
        }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await withoutActuallyEscaping(body) { body in
                try await withinConnectionWait { [client, logger] leased in
                    try await client.withTransaction(logger: logger) { connection in
                        leased()
                        return try await body(connection.sql())
                    }
                }
            }
        } catch let error as PostgresTransactionError {
            // Callers see their own error (not found, duplicate…) rather than the wrapper; the rollback happened.
            if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
            throw error
        }
    }

    public func close() async {}

    /// Runs `call`, which leases a connection and calls `leased` once it has one; fails when that has not happened
    /// within ``connectionWait`` (the lease is then cancelled).
    private func withinConnectionWait<T: Sendable>(
        _ call: @escaping @Sendable (_ leased: @escaping @Sendable () -> Void) async throws -> T
    ) async throws -> T {
        let lease = LeaseFlag()
        let wait = connectionWait
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await call { lease.leased.store(true, ordering: .releasing) } }
            group.addTask {
                try await Self.sleep(for: wait)
                if lease.leased.load(ordering: .acquiring) { return nil }
                throw StoreError("the PostgreSQL database is unreachable (or every pooled connection stayed busy): no connection within \(wait)")
            }
            while let result = try await group.next() {
                if let result {
                    group.cancelAll()
                    return result
                }
            }
            // The call's task yields a value or throws; only the timer's yields nil.
            throw CancellationError()
        }
    }
}

extension PostgresBackend {
    /// Sleeps for `duration` on a timer of SwiftNIO's singleton event loops (the loop this task runs on, when it runs
    /// on one); cancellation removes the timer. `Task.sleep` would arm a libdispatch timer instead, which wakes
    /// libdispatch's timer thread to arm it and, for a cancelled sleep, again when it expires: every database call
    /// arms one, and nearly all are cancelled (docs/PERFORMANCE.md, apiserver: thread switches per request).
    static func sleep(for duration: Duration) async throws {
        let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(duration)) {}
        try await withTaskCancellationHandler {
            do { try await timer.futureResult.get() } catch { throw CancellationError() }  // the timer's only failure
        } onCancel: {
            timer.cancel()
        }
    }
}

/// Whether a call has leased its connection (set from the pool's task, read by the timer's).
private final class LeaseFlag: Sendable {
    let leased = Atomic<Bool>(false)
}
