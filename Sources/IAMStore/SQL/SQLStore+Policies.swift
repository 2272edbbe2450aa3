public import IAMResources
import PolicyEngine
import SQLKit

extension SQLStore {
    public func createPolicy(_ policy: PolicyResource) async throws -> PolicyResource {
        try await write { database in
            let revision = try await Revisions.next(database)
            let owner = policy.username
            try await Inserts.requireNoOwnedRow(database, table: "policy", owner: owner, name: policy.name, else: .policyAlreadyExist)
            let now = Timestamp.now()
            let row = try await database.raw(
                """
                INSERT INTO "policy" ("name", "username", "policyShadow", "extendShadow", "createdAt", "updatedAt")
                VALUES (\(bind: policy.name), \(bind: owner), \(bind: policy.policy.jsonText),
                  \(bind: policy.metadata.extendText), \(bind: now.microseconds), \(bind: now.microseconds))
                RETURNING "id"
                """
            ).first()
            var created = policy
            created.metadata = try await Inserts.stored(database, table: "policy", prefix: "policy-", row: row, metadata: policy.metadata, at: now)
            try await Revisions.record(database, revision: revision, kind: "policy", username: owner, name: policy.name, op: "create")
            return created
        }
    }

    public func policy(owner: String, name: String) async throws -> PolicyResource? {
        try await ownedRow("policy", owner: owner, name: name, Self.policy)
    }

    public func listPolicies(owner: String, _ query: ListQuery) async throws -> ListPage<PolicyResource> {
        try await ownedRows("policy", owner: owner, query, Self.policy)
    }

    public func updatePolicy(_ policy: PolicyResource) async throws -> PolicyResource {
        try await write { database in
            let revision = try await Revisions.next(database)
            let row = try await database.raw(
                """
                UPDATE "policy" SET "policyShadow" = \(bind: policy.policy.jsonText),
                  "extendShadow" = \(bind: policy.metadata.extendText), "updatedAt" = \(bind: Timestamp.now().microseconds)
                WHERE "username" = \(bind: policy.username) AND "name" = \(bind: policy.name) RETURNING *
                """
            ).first()
            guard let row else { throw IAMError(.policyNotFound, "policy \(policy.name) does not exist") }
            try await Revisions.record(database, revision: revision, kind: "policy", username: policy.username, name: policy.name, op: "update")
            return try Self.policy(from: row)
        }
    }

    public func deletePolicies(owner: String, names: [String]) async throws {
        guard !names.isEmpty else { return }
        try await write { database in
            let revision = try await Revisions.next(database)
            try await Self.deletePolicies(database, owner: owner, names: names, revision: revision)
        }
    }

    /// Copies each policy to `policy_audit`, deletes it and logs the change (what marmotedu/iam's trigger did).
    static func deletePolicies(_ database: any SQLDatabase, owner: String, names: [String], revision: Int64) async throws {
        let now = Timestamp.now().microseconds
        for name in names {
            let copied = try await database.raw(
                """
                INSERT INTO "policy_audit" ("id", "instanceID", "name", "username", "policyShadow", "extendShadow",
                  "createdAt", "updatedAt", "deletedAt")
                SELECT "id", "instanceID", "name", "username", "policyShadow", "extendShadow", "createdAt", "updatedAt",
                  \(bind: now) FROM "policy" WHERE "username" = \(bind: owner) AND "name" = \(bind: name)
                RETURNING "id"
                """
            ).all()
            guard !copied.isEmpty else { continue }
            try await database.raw(#"DELETE FROM "policy" WHERE "username" = \#(bind: owner) AND "name" = \#(bind: name)"#).run()
            try await Revisions.record(database, revision: revision, kind: "policy", username: owner, name: name, op: "delete")
        }
    }

    static func policy(from row: any SQLRow) throws -> PolicyResource {
        let meta = try row.objectMeta()
        let text = try row.text("policyShadow")
        let policy: Policy
        do {
            policy = try Policy(json: try JSONValue.parse(text))
        } catch {
            throw StoreError("policy \(meta.name) (id \(meta.id)) holds an unreadable document: \(error)")
        }
        return PolicyResource(metadata: meta, username: try row.text("username"), policy: policy)
    }
}
