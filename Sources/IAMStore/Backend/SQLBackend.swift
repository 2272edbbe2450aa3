public import SQLKit

/// One database engine under the shared SQL code: how to read and how to run a write transaction.
public protocol SQLBackend: Sendable {
    /// `sqlite` or `postgres`.
    var engine: String { get }
    /// Runs `body` on a connection outside any explicit transaction.
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body`, which issues a single write statement, without BEGIN and COMMIT around it: one statement is atomic
    /// by itself, and on PostgreSQL each of those is another round trip, which on a busy machine waits for CPU.
    func singleStatement<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in a read-only transaction that sees one committed state throughout (a snapshot).
    func consistentRead<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func close() async
}

extension SQLDatabase {
    /// Runs `body` between `begin` and COMMIT on this connection; ROLLBACK when it throws.
    func explicitTransaction<T: Sendable>(
        _ begin: String, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await raw(SQLQueryString(begin)).run()
        do {
            let result = try await body(self)
            try await raw("COMMIT").run()
            return result
        } catch {
            try? await raw("ROLLBACK").run()
            throw error
        }
    }
}
