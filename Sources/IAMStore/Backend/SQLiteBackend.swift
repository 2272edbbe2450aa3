public import Logging
public import SQLKit
import SQLiteKit

/// The embedded store: one SQLite file in WAL mode. SQLite has one writer; a second connection serves reads so
/// lists and lookups do not wait behind a write (WAL readers see the last commit).
public final class SQLiteBackend: SQLBackend {
    public let engine = "sqlite"
    private let writer: SQLiteConnection
    private let reader: SQLiteConnection
    private let writeLock = AsyncLock()
    private let readLock = AsyncLock()

    /// Opens (creating when missing) the database file at `path`.
    public static func open(path: String, logger: Logger) async throws -> SQLiteBackend {
        let writer: SQLiteConnection
        do {
            writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw StoreError("cannot open the SQLite database \(path): \(error)")
        }
        do {
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000"] {
                _ = try await writer.query(pragma)
            }
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            do {
                _ = try await reader.query("PRAGMA busy_timeout=5000")
            } catch {
                try? await reader.close()
                throw error
            }
            return SQLiteBackend(writer: writer, reader: reader)
        } catch {
            // A connection must be closed before it is released (sqlite-nio asserts it).
            try? await writer.close()
            throw StoreError("cannot use the SQLite database \(path): \(error)")
        }
    }

    private init(writer: SQLiteConnection, reader: SQLiteConnection) {
        self.writer = writer
        self.reader = reader
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let database = reader.sql()
        return try await readLock.withLock { try await body(database) }
    }

    public func consistentRead<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let database = reader.sql()
        // A deferred transaction in WAL mode reads one snapshot from its first SELECT to COMMIT.
        return try await readLock.withLock { try await database.explicitTransaction("BEGIN", body) }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let database = writer.sql()
        return try await writeLock.withLock { try await database.explicitTransaction("BEGIN IMMEDIATE", body) }
    }

    /// In process there is no round trip to save: the statement runs as a transaction under the writer's lock.
    public func singleStatement<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(body)
    }

    public func close() async {
        try? await reader.close()
        try? await writer.close()
    }
}
