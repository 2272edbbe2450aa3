import IAMResources
public import Logging
import PostgresNIO
import SQLKit

extension SQLStore: ChangeFeedStore {
    public func followNotifications(logger: Logger) async throws {
        guard let postgres = (backend as? ObservedBackend)?.base as? PostgresBackend ?? backend as? PostgresBackend else { return }
        while !Task.isCancelled {
            do {
                try await postgres.client.withConnection { connection in
                    try await connection.listen(on: "iam_revision") { notifications in
                        revisionSignal.poke()  // whatever happened while (re)connecting
                        for try await _ in notifications { revisionSignal.poke() }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("LISTEN iam_revision failed; long polls fall back to a 1 s check until it is back", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    public func authorizationSnapshot() async throws -> AuthorizationSnapshot {
        try await backend.consistentRead { database in
            let revision = try await database.raw(#"SELECT "value" FROM "iam_revision" WHERE "id" = 1"#).first()?.int("value") ?? 0
            let secrets = try await database.raw(
                #"SELECT s.* FROM "secret" s JOIN "user" u ON u."name" = s."username" WHERE u."status" = 1 ORDER BY s."id""#
            ).all().map { try Self.secret(from: $0) }
            let policies = try await database.raw(
                #"SELECT p.* FROM "policy" p JOIN "user" u ON u."name" = p."username" WHERE u."status" = 1 ORDER BY p."id" DESC"#
            ).all().map { try Self.policy(from: $0) }
            return AuthorizationSnapshot(revision: revision, secrets: secrets, policies: policies)
        }
    }

    public func changes(after revision: Int64, limit: Int) async throws -> [ChangeRecord] {
        try await backend.read { database in
            // Whole revisions only: a reader must never see half of one transaction's changes.
            let last = try await database.raw(
                """
                SELECT MAX("revision") AS "last" FROM (SELECT "revision" FROM "change_log" WHERE "revision" > \(bind: revision)
                  ORDER BY "revision" LIMIT \(bind: Int64(max(limit, 1)))) AS "window"
                """
            ).first()?.optionalInt("last")
            guard let last else { return [] }
            return try await database.raw(
                """
                SELECT * FROM "change_log" WHERE "revision" > \(bind: revision) AND "revision" <= \(bind: last)
                ORDER BY "revision"
                """
            ).all().map { row in
                ChangeRecord(revision: try row.int("revision"), kind: try row.text("kind"), username: try row.text("username"),
                             name: try row.text("name"), op: try row.text("op"))
            }
        }
    }

    public func oldestLoggedRevision() async throws -> Int64? {
        try await backend.read { database in
            try await database.raw(#"SELECT MIN("revision") AS "oldest" FROM "change_log""#).first()?.optionalInt("oldest")
        }
    }

    public func ownerState(_ username: String) async throws -> OwnerState {
        try await backend.consistentRead { database in
            let revision = try await database.raw(#"SELECT "value" FROM "iam_revision" WHERE "id" = 1"#).first()?.int("value") ?? 0
            let status = try await database.raw(#"SELECT "status" FROM "user" WHERE "name" = \#(bind: username)"#).first()?.int("status")
            guard status == 1 else {
                return OwnerState(revision: revision, username: username, enabled: false, secrets: [], policies: [])
            }
            let secrets = try await database.raw(#"SELECT * FROM "secret" WHERE "username" = \#(bind: username) ORDER BY "id""#)
                .all().map { try Self.secret(from: $0) }
            let policies = try await database.raw(#"SELECT * FROM "policy" WHERE "username" = \#(bind: username) ORDER BY "id" DESC"#)
                .all().map { try Self.policy(from: $0) }
            return OwnerState(revision: revision, username: username, enabled: true, secrets: secrets, policies: policies)
        }
    }
}
