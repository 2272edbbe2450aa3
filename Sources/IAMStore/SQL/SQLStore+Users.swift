public import IAMResources
import SQLKit

extension SQLStore {
    public func createUser(_ user: User) async throws -> User {
        try await write { database in
            let revision = try await Revisions.next(database)
            let existing = try await database.raw(#"SELECT "id" FROM "user" WHERE "name" = \#(bind: user.name)"#).first()
            if existing != nil { throw IAMError(.userAlreadyExist, "user \(user.name) already exists") }
            let now = Timestamp.now()
            let row = try await database.raw(
                """
                INSERT INTO "user" ("name", "status", "nickname", "password", "email", "phone", "isAdmin",
                  "extendShadow", "loginedAt", "createdAt", "updatedAt")
                VALUES (\(bind: user.name), \(bind: Int64(user.status)), \(bind: user.nickname), \(bind: user.passwordHash),
                  \(bind: user.email), \(bind: user.phone), \(bind: Int64(user.isAdmin ? 1 : 0)),
                  \(bind: user.metadata.extendText), \(bind: user.loginedAt == .zero ? nil : user.loginedAt.microseconds),
                  \(bind: now.microseconds), \(bind: now.microseconds))
                RETURNING "id"
                """
            ).first()
            var created = user
            created.metadata = try await Inserts.stored(database, table: "user", prefix: "user-", row: row, metadata: user.metadata, at: now)
            try await Revisions.record(database, revision: revision, kind: "user", username: user.name, name: user.name, op: "create")
            return created
        }
    }

    public func user(named name: String) async throws -> User? {
        try await backend.read { database in
            try await database.raw(#"SELECT * FROM "user" WHERE "name" = \#(bind: name)"#).first().map { try Self.user(from: $0) }
        }
    }

    public func listUsers(_ query: ListQuery) async throws -> ListPage<User> {
        let paging = paging(query)
        return try await backend.read { database in
            let filter: SQLQueryString = query.name.map { #" WHERE u."name" = \#(bind: $0)"# } ?? ""
            let count = try await database.raw(#"SELECT COUNT(*) AS "n" FROM "user" u"# + filter).first()?.int("n") ?? 0
            let rows = try await database.raw(
                #"SELECT u.*, (SELECT COUNT(*) FROM "policy" p WHERE p."username" = u."name") AS "totalPolicy" FROM "user" u"#
                    + filter + #" ORDER BY u."id" DESC"# + paging
            ).all()
            return ListPage(totalCount: count, items: try rows.map { row in
                var user = try Self.user(from: row)
                user.totalPolicy = try row.int("totalPolicy")
                return user
            })
        }
    }

    public func updateUser(_ user: User) async throws -> User {
        try await write { database in
            let revision = try await Revisions.next(database)
            let now = Timestamp.now()
            let row = try await database.raw(
                """
                UPDATE "user" SET "nickname" = \(bind: user.nickname), "email" = \(bind: user.email),
                  "phone" = \(bind: user.phone), "extendShadow" = \(bind: user.metadata.extendText),
                  "status" = \(bind: Int64(user.status)), "isAdmin" = \(bind: Int64(user.isAdmin ? 1 : 0)),
                  "updatedAt" = \(bind: now.microseconds)
                WHERE "name" = \(bind: user.name) RETURNING *
                """
            ).first()
            guard let row else { throw IAMError(.userNotFound, "user \(user.name) does not exist") }
            try await Revisions.record(database, revision: revision, kind: "user", username: user.name, name: user.name, op: "update")
            return try Self.user(from: row)
        }
    }

    public func changePassword(userNamed name: String, to hash: String) async throws {
        try await write { database in
            let revision = try await Revisions.next(database)
            let row = try await database.raw(
                #"UPDATE "user" SET "password" = \#(bind: hash), "updatedAt" = \#(bind: Timestamp.now().microseconds) WHERE "name" = \#(bind: name) RETURNING "id""#
            ).first()
            guard row != nil else { throw IAMError(.userNotFound, "user \(name) does not exist") }
            try await Revisions.record(database, revision: revision, kind: "user", username: name, name: name, op: "password")
        }
    }

    public func recordLogin(userNamed name: String, at time: Timestamp) async throws {
        try await write { database in
            try await database.raw(#"UPDATE "user" SET "loginedAt" = \#(bind: time.microseconds) WHERE "name" = \#(bind: name)"#).run()
        }
    }

    public func deleteUsers(named names: [String]) async throws {
        guard !names.isEmpty else { return }
        try await write { database in
            let revision = try await Revisions.next(database)
            for name in names {
                guard try await database.raw(#"SELECT "id" FROM "user" WHERE "name" = \#(bind: name)"#).first() != nil else {
                    continue
                }
                let secrets = try await database.raw(#"DELETE FROM "secret" WHERE "username" = \#(bind: name) RETURNING "name""#).all()
                for secret in secrets {
                    try await Revisions.record(database, revision: revision, kind: "secret", username: name, name: try secret.text("name"), op: "delete")
                }
                let policies = try await database.raw(#"SELECT "name" FROM "policy" WHERE "username" = \#(bind: name)"#).all()
                try await Self.deletePolicies(database, owner: name, names: try policies.map { try $0.text("name") }, revision: revision)
                try await database.raw(#"DELETE FROM "user" WHERE "name" = \#(bind: name)"#).run()
                try await Revisions.record(database, revision: revision, kind: "user", username: name, name: name, op: "delete")
            }
        }
    }

    public func userCount() async throws -> Int {
        try await backend.read { database in
            Int(try await database.raw(#"SELECT COUNT(*) AS "n" FROM "user""#).first()?.int("n") ?? 0)
        }
    }

    static func user(from row: any SQLRow) throws -> User {
        User(
            metadata: try row.objectMeta(), status: Int(try row.int("status")), nickname: try row.text("nickname"),
            passwordHash: try row.text("password"), email: try row.text("email"), phone: try row.text("phone"),
            isAdmin: try row.int("isAdmin") == 1, loginedAt: try row.time("loginedAt"))
    }
}
