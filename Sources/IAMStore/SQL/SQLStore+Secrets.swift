public import IAMResources
import SQLKit

extension SQLStore {
    public func createSecret(_ secret: Secret, limit: Int) async throws -> Secret {
        try await write { database in
            let revision = try await Revisions.next(database)
            let owner = secret.username
            let count = try await database.raw(#"SELECT COUNT(*) AS "n" FROM "secret" WHERE "username" = \#(bind: owner)"#).first()?.int("n") ?? 0
            if count >= Int64(limit) {
                throw IAMError(.reachMaxCount, "user \(owner) already has \(count) secrets (limit \(limit))")
            }
            try await Inserts.requireNoOwnedRow(database, table: "secret", owner: owner, name: secret.name, else: .secretAlreadyExist)
            let now = Timestamp.now()
            let row = try await database.raw(
                """
                INSERT INTO "secret" ("name", "username", "secretID", "secretKey", "expires", "description",
                  "extendShadow", "createdAt", "updatedAt")
                VALUES (\(bind: secret.name), \(bind: owner), \(bind: secret.secretID), \(bind: secret.secretKey),
                  \(bind: secret.expires), \(bind: secret.description), \(bind: secret.metadata.extendText),
                  \(bind: now.microseconds), \(bind: now.microseconds))
                RETURNING "id"
                """
            ).first()
            var created = secret
            created.metadata = try await Inserts.stored(database, table: "secret", prefix: "secret-", row: row, metadata: secret.metadata, at: now)
            try await Revisions.record(database, revision: revision, kind: "secret", username: owner, name: secret.name, op: "create")
            return created
        }
    }

    public func secret(owner: String, name: String) async throws -> Secret? {
        try await ownedRow("secret", owner: owner, name: name, Self.secret)
    }

    public func listSecrets(owner: String, _ query: ListQuery) async throws -> ListPage<Secret> {
        try await ownedRows("secret", owner: owner, query, Self.secret)
    }

    public func updateSecret(_ secret: Secret) async throws -> Secret {
        try await write { database in
            let revision = try await Revisions.next(database)
            let row = try await database.raw(
                """
                UPDATE "secret" SET "expires" = \(bind: secret.expires), "description" = \(bind: secret.description),
                  "extendShadow" = \(bind: secret.metadata.extendText), "updatedAt" = \(bind: Timestamp.now().microseconds)
                WHERE "username" = \(bind: secret.username) AND "name" = \(bind: secret.name) RETURNING *
                """
            ).first()
            guard let row else { throw IAMError(.secretNotFound, "secret \(secret.name) does not exist") }
            try await Revisions.record(database, revision: revision, kind: "secret", username: secret.username, name: secret.name, op: "update")
            return try Self.secret(from: row)
        }
    }

    public func deleteSecret(owner: String, name: String) async throws {
        try await write { database in
            let revision = try await Revisions.next(database)
            let rows = try await database.raw(
                #"DELETE FROM "secret" WHERE "username" = \#(bind: owner) AND "name" = \#(bind: name) RETURNING "id""#
            ).all()
            if !rows.isEmpty {
                try await Revisions.record(database, revision: revision, kind: "secret", username: owner, name: name, op: "delete")
            }
        }
    }

    static func secret(from row: any SQLRow) throws -> Secret {
        Secret(
            metadata: try row.objectMeta(), username: try row.text("username"), secretID: try row.text("secretID"),
            secretKey: try row.text("secretKey"), expires: try row.int("expires"), description: try row.text("description"))
    }
}
