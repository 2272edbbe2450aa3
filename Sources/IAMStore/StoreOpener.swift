public import Logging
import PostgresNIO
public import ServiceLifecycle

/// An opened store and the background service it needs running (PostgreSQL's connection pool), if any.
public struct OpenedStore: Sendable {
    public let store: SQLStore
    /// Run this in the process's service group before using `store`; nil for SQLite.
    public let service: (any Service)?
}

extension StoreLocation {
    /// Opens the store and migrates its schema. For PostgreSQL the pool runs in `service`, which the caller must
    /// run; migration waits for it, and a call fails after `connectionWait` without a connection
    /// (``PostgresBackend/connectionWait``).
    public func open(logger: Logger, connectionWait: Duration = .seconds(10)) async throws -> OpenedStore {
        switch self {
        case .sqlite(let path):
            let backend = try await SQLiteBackend.open(path: path, logger: logger)
            do {
                return OpenedStore(store: try await SQLStore.migrated(backend), service: nil)
            } catch {
                await backend.close()
                throw error
            }
        case .postgres(let location):
            let client = PostgresClient(configuration: location.clientConfiguration(), backgroundLogger: logger)
            let backend = PostgresBackend(client: client, logger: logger, connectionWait: connectionWait)
            return OpenedStore(store: SQLStore(backend: backend), service: client)
        }
    }
}

extension SQLStore {
    /// Migrates the schema; for PostgreSQL call once the pool service runs.
    public func migrate() async throws { try await Schema.migrate(backend) }
}

/// Migrates a PostgreSQL store (whose pool runs in the same group) before running `service`.
public struct MigrateThen: Service {
    let store: SQLStore
    let service: any Service

    public init(store: SQLStore, service: any Service) {
        self.store = store
        self.service = service
    }

    public func run() async throws {
        try await store.migrate()
        try await service.run()
    }
}
