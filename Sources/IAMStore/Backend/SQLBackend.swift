public import SQLKit

/// One database engine under the shared SQL code: how to read and how to run a write transaction.
public protocol SQLBackend: Sendable {
    /// `sqlite` or `postgres`.
    var engine: String { get }
    /// Runs `body` on a connection outside any explicit transaction.
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func close() async
}
