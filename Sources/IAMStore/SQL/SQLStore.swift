import IAMResources
import Logging
import SQLKit

/// The store over SQL: the same statements on SQLite and PostgreSQL (sql-kit writes each dialect's binds and
/// quoting). Writers first bump the single revision row, which serialises them on PostgreSQL as SQLite's single
/// writer does, so existence checks and limits inside a transaction cannot race.
public struct SQLStore: IAMStore {
    public let backend: any SQLBackend
    /// Poked after each commit of this store (and by PostgreSQL notifications, see `followNotifications`).
    public let revisionSignal: RevisionSignal

    /// Wraps `backend` after migrating its schema to the latest version.
    public static func migrated(_ backend: any SQLBackend) async throws -> SQLStore {
        try await Schema.migrate(backend)
        return SQLStore(backend: backend)
    }

    init(backend: any SQLBackend, revisionSignal: RevisionSignal = RevisionSignal()) {
        self.backend = backend
        self.revisionSignal = revisionSignal
    }

    /// A write transaction; the revision signal is poked once it committed.
    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let result = try await backend.transaction(body)
        revisionSignal.poke()
        return result
    }

    public var engine: String { backend.engine }

    public func ping() async throws {
        _ = try await backend.read { database in try await database.raw("SELECT 1 AS \"one\"").first() }
    }

    public func currentRevision() async throws -> Int64 {
        try await backend.read { database in
            let row = try await database.raw(#"SELECT "value" FROM "iam_revision" WHERE "id" = 1"#).first()
            return try row?.decode(column: "value", as: Int64.self) ?? 0
        }
    }

    public func close() async { await backend.close() }

    /// The row of `table` owned by `owner` named `name`.
    func ownedRow<T: Sendable>(_ table: String, owner: String, name: String, _ map: @escaping @Sendable (any SQLRow) throws -> T) async throws -> T? {
        try await backend.read { database in
            try await database.raw(#"SELECT * FROM \#(ident: table) WHERE "username" = \#(bind: owner) AND "name" = \#(bind: name)"#)
                .first().map(map)
        }
    }

    /// A page of `owner`'s rows of `table`, newest first, with the count of all that match.
    func ownedRows<T: Sendable>(_ table: String, owner: String, _ query: ListQuery, _ map: @escaping @Sendable (any SQLRow) throws -> T) async throws -> ListPage<T> {
        let paging = paging(query)
        return try await backend.read { database in
            var filter: SQLQueryString = #" WHERE "username" = \#(bind: owner)"#
            if let name = query.name { filter += #" AND "name" = \#(bind: name)"# }
            let count = try await database.raw(#"SELECT COUNT(*) AS "n" FROM \#(ident: table)"# + filter).first()?.int("n") ?? 0
            let rows = try await database.raw(#"SELECT * FROM \#(ident: table)"# + filter + #" ORDER BY "id" DESC"# + paging).all()
            return ListPage(totalCount: count, items: try rows.map(map))
        }
    }

    /// `LIMIT … OFFSET …` for `query`, in the engine's spelling of "no limit".
    func paging(_ query: ListQuery) -> SQLQueryString {
        let limit = query.limit.map { String(max($0, 0)) } ?? (engine == "postgres" ? "ALL" : "-1")
        return SQLQueryString(" LIMIT " + limit + " OFFSET " + String(max(query.offset, 0)))
    }
}

/// Statements every write shares.
enum Revisions {
    /// Takes the next revision; on PostgreSQL this row lock is held until the transaction ends, and the commit
    /// notifies every apiserver listening on `iam_revision`.
    static func next(_ database: any SQLDatabase) async throws -> Int64 {
        let row = try await database.raw(
            #"UPDATE "iam_revision" SET "value" = "value" + 1 WHERE "id" = 1 RETURNING "value""#
        ).first()
        guard let row else { throw StoreError("the iam_revision row is missing; the schema is damaged") }
        let revision = try row.decode(column: "value", as: Int64.self)
        if database.dialect.name == "postgresql" {
            try await database.raw("SELECT pg_notify('iam_revision', \(bind: String(revision)))").run()
        }
        return revision
    }

    /// Appends one change to the log the authorization servers follow.
    static func record(
        _ database: any SQLDatabase, revision: Int64, kind: String, username: String, name: String, op: String
    ) async throws {
        try await database.raw(
            """
            INSERT INTO "change_log" ("revision", "kind", "username", "name", "op", "changedAt")
            VALUES (\(bind: revision), \(bind: kind), \(bind: username), \(bind: name), \(bind: op), \(bind: Timestamp.now().microseconds))
            """
        ).run()
    }
}

/// What every create shares after its INSERT … RETURNING "id".
enum Inserts {
    /// Throws `code` when `owner` already has a row of `table` named `name` (names are unique per user).
    static func requireNoOwnedRow(
        _ database: any SQLDatabase, table: String, owner: String, name: String, else code: IAMErrorCode
    ) async throws {
        let existing = try await database.raw(
            #"SELECT "id" FROM \#(ident: table) WHERE "username" = \#(bind: owner) AND "name" = \#(bind: name)"#
        ).first()
        if existing != nil { throw IAMError(code, "\(table) \(name) already exists") }
    }

    /// Sets the instance ID of the row just inserted (same transaction) and returns the metadata as stored.
    static func stored(
        _ database: any SQLDatabase, table: String, prefix: String, row: (any SQLRow)?, metadata: ObjectMeta, at now: Timestamp
    ) async throws -> ObjectMeta {
        guard let row else { throw StoreError("INSERT INTO \(table) returned no id") }
        let id = UInt64(try row.int("id"))
        let instanceID = InstanceID.make(prefix: prefix, id: id)
        try await database.raw(
            #"UPDATE \#(ident: table) SET "instanceID" = \#(bind: instanceID) WHERE "id" = \#(bind: Int64(id))"#
        ).run()
        var stored = metadata
        stored.id = id
        stored.instanceID = instanceID
        stored.createdAt = now
        stored.updatedAt = now
        return stored
    }
}

extension SQLRow {
    func int(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func text(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalInt(_ column: String) throws -> Int64? {
        try decodeNil(column: column) ? nil : try decode(column: column, as: Int64.self)
    }
    func time(_ column: String) throws -> Timestamp {
        try optionalInt(column).map { Timestamp(microseconds: $0) } ?? .zero
    }

    func objectMeta() throws -> ObjectMeta {
        ObjectMeta(
            id: UInt64(try int("id")), instanceID: try decodeNil(column: "instanceID") ? "" : try text("instanceID"),
            name: try text("name"), extend: ObjectMeta.extend(fromStored: try text("extendShadow")),
            createdAt: try time("createdAt"), updatedAt: try time("updatedAt"))
    }
}
