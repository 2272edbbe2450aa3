public import IAMResources
public import Logging

/// One logged write: which resource of whose changed, how, at which revision.
public struct ChangeRecord: Sendable, Equatable {
    public var revision: Int64
    /// `user`, `secret` or `policy`.
    public var kind: String
    public var username: String
    public var name: String
    /// `create`, `update`, `delete` or `password`.
    public var op: String

    public init(revision: Int64, kind: String, username: String, name: String, op: String) {
        self.revision = revision
        self.kind = kind
        self.username = username
        self.name = name
        self.op = op
    }
}

/// What an authorization server needs, read in one consistent transaction: the secrets and policies of every
/// enabled user at `revision`.
public struct AuthorizationSnapshot: Sendable {
    public var revision: Int64
    public var secrets: [Secret]
    public var policies: [PolicyResource]

    public init(revision: Int64, secrets: [Secret], policies: [PolicyResource]) {
        self.revision = revision
        self.secrets = secrets
        self.policies = policies
    }
}

/// One user's part of the snapshot, for applying a change without reloading everything.
public struct OwnerState: Sendable {
    public var revision: Int64
    public var username: String
    /// False when the user is disabled or gone: none of their secrets or policies count.
    public var enabled: Bool
    public var secrets: [Secret]
    public var policies: [PolicyResource]

    public init(revision: Int64, username: String, enabled: Bool, secrets: [Secret], policies: [PolicyResource]) {
        self.revision = revision
        self.username = username
        self.enabled = enabled
        self.secrets = secrets
        self.policies = policies
    }
}

/// The change feed's reads, for the authorization servers.
public protocol ChangeFeedStore: Sendable {
    /// Poked when the revision may have moved.
    var revisionSignal: RevisionSignal { get }
    /// Pokes `revisionSignal` on writes by other processes until cancelled (PostgreSQL LISTEN); returns at once
    /// where every writer is this process (SQLite).
    func followNotifications(logger: Logger) async throws
    func authorizationSnapshot() async throws -> AuthorizationSnapshot
    /// Changes with revision > `after`, oldest first, at most `limit` rows (whole revisions only).
    func changes(after revision: Int64, limit: Int) async throws -> [ChangeRecord]
    /// The oldest revision still in the change log (nil when the log is empty): asking for changes after a
    /// revision below it means the log was pruned and the reader must resync from a snapshot.
    func oldestLoggedRevision() async throws -> Int64?
    func ownerState(_ username: String) async throws -> OwnerState
}
