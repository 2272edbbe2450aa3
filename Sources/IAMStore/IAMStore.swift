public import IAMResources

/// Where users, secrets and policies live. Every write is one transaction and gets the next store revision
/// (the change feed of the authorization servers starts from it).
///
/// Errors: ``IAMError`` for what the caller did wrong (not found, duplicate, limit); anything else is a store
/// failure the API reports as a database error.
public protocol IAMStore: Sendable {
    /// Which engine, for `/healthz` and logs: `sqlite` or `postgres`.
    var engine: String { get }
    /// Fails when the store cannot be reached.
    func ping() async throws
    /// The revision of the latest write.
    func currentRevision() async throws -> Int64

    func createUser(_ user: User) async throws -> User
    func user(named name: String) async throws -> User?
    func listUsers(_ query: ListQuery) async throws -> ListPage<User>
    /// Saves nickname, email, phone, extend, status and admin flag of the user named `user.name`.
    func updateUser(_ user: User) async throws -> User
    func changePassword(userNamed name: String, to hash: String) async throws
    /// Records a successful login; not a change of the user, so no revision.
    func recordLogin(userNamed name: String, at time: Timestamp) async throws
    /// Deletes the users with their secrets and policies; missing names are ignored.
    func deleteUsers(named names: [String]) async throws
    func userCount() async throws -> Int

    /// Adds a secret unless its owner already has `limit` secrets or one with the same name.
    func createSecret(_ secret: Secret, limit: Int) async throws -> Secret
    func secret(owner: String, name: String) async throws -> Secret?
    func listSecrets(owner: String, _ query: ListQuery) async throws -> ListPage<Secret>
    func updateSecret(_ secret: Secret) async throws -> Secret
    func deleteSecret(owner: String, name: String) async throws

    func createPolicy(_ policy: PolicyResource) async throws -> PolicyResource
    func policy(owner: String, name: String) async throws -> PolicyResource?
    func listPolicies(owner: String, _ query: ListQuery) async throws -> ListPage<PolicyResource>
    func updatePolicy(_ policy: PolicyResource) async throws -> PolicyResource
    /// Deletes the owner's policies with these names, copying each to `policy_audit`.
    func deletePolicies(owner: String, names: [String]) async throws

    /// Releases connections.
    func close() async
}

/// `offset`, `limit` and the `name=` field selector of list requests.
public struct ListQuery: Sendable, Equatable {
    public var offset: Int64
    /// Rows to return; nil is unlimited (`limit=-1`).
    public var limit: Int64?
    /// `fieldSelector=name=x`: exact name.
    public var name: String?

    public init(offset: Int64 = 0, limit: Int64? = 1000, name: String? = nil) {
        self.offset = offset
        self.limit = limit
        self.name = name
    }
}

/// One page of a list and the number of rows matching without paging.
public struct ListPage<Item: Sendable>: Sendable {
    public var totalCount: Int64
    public var items: [Item]

    public init(totalCount: Int64, items: [Item]) {
        self.totalCount = totalCount
        self.items = items
    }
}
