import Foundation
import IAMStore
import PostgresNIO
import SQLKit
import Testing

/// A store call that cannot get a PostgreSQL connection fails after `connectionWait` instead of waiting for the
/// pool's circuit breaker (a minute): the apiserver answers, and stops on SIGTERM, while its database is down.
@Suite struct PostgresUnreachableTests {
    /// Runs `body` with a backend whose pool (running) points at `url`.
    static func withBackend<T: Sendable>(
        url: String, connectionWait: Duration, _ body: @Sendable (PostgresBackend) async throws -> T
    ) async throws -> T {
        let location = try PostgresLocation(url: url)
        let client = PostgresClient(configuration: location.clientConfiguration(), backgroundLogger: TestStores.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let backend = PostgresBackend(client: client, logger: TestStores.logger, connectionWait: connectionWait)
            let result = try await body(backend)
            group.cancelAll()
            return result
        }
    }

    @Test func callsFailWhenNoConnectionComesWithinTheWait() async throws {
        // A port nothing listens on: every connection attempt is refused, as when the database is stopped.
        let refused = "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable"
        try await Self.withBackend(url: refused, connectionWait: .milliseconds(500)) { backend in
            for call in ["read", "transaction"] {
                do {
                    if call == "read" {
                        _ = try await backend.read { database in try await database.raw("SELECT 1").all() }
                    } else {
                        _ = try await backend.transaction { database in try await database.raw("SELECT 1").all() }
                    }
                    Issue.record("\(call) succeeded without a database")
                } catch let error as StoreError {
                    // The wait's own error: the pool, left alone, fails after about a minute with PostgresNIO's.
                    #expect(error.message.contains("unreachable"), "\(call): \(error)")
                } catch {
                    Issue.record("\(call): expected a StoreError, got \(error)")
                }
            }
        }
    }

    @Test func aCallThatHasItsConnectionIsNotCutOff() async throws {
        guard let url = ProcessInfo.processInfo.environment["IAM_TEST_POSTGRES_URL"] else { return }
        try await Self.withBackend(url: url, connectionWait: .milliseconds(300)) { backend in
            let rows = try await Self.leased { try await backend.read { database in try await database.raw("SELECT pg_sleep(0.8), 7 AS seven").all() } }
            #expect(try rows.first?.decode(column: "seven", as: Int.self) == 7)
            let committed = try await Self.leased {
                try await backend.transaction { database in
                    try await database.raw("SELECT pg_sleep(0.8)").run()
                    return true
                }
            }
            #expect(committed)
        }
    }

    /// Runs `call` until it gets its connection within the wait: while CPU-bound tests of this process hold Swift's
    /// cooperative threads, a lease can be granted later than 300 ms, which is the wait working, not what this test
    /// is about. Cutting off a call that has its connection fails otherwise (cancellation, not this error).
    static func leased<T: Sendable>(_ call: @Sendable () async throws -> T) async throws -> T {
        for _ in 1..<20 {
            do {
                return try await call()
            } catch let error as StoreError where error.message.contains("no connection within") {
                continue
            }
        }
        return try await call()
    }
}
