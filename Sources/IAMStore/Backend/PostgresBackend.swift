public import Logging
import PostgresKit
public import PostgresNIO
public import SQLKit

/// PostgreSQL through a `PostgresClient` pool. The client's `run()` must be running (the apiserver's service
/// group does that) for connections to be leased.
public final class PostgresBackend: SQLBackend {
    public let engine = "postgres"
    public let client: PostgresClient
    private let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection.sql()) }
    }

    /// A connection outside any explicit transaction, as for ``read(_:)``.
    public func singleStatement<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await read(body)
    }

    public func consistentRead<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.sql().explicitTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
        }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection.sql()) }
        } catch let error as PostgresTransactionError {
            // Callers see their own error (not found, duplicate…) rather than the wrapper; the rollback happened.
            if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
            throw error
        }
    }

    public func close() async {}
}
