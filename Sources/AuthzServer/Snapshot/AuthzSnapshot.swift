public import Crypto
public import PolicyEngine

/// A secret as the decision path needs it: who owns it, its key ready for HMAC, when it stops working.
public struct SecretEntry: Sendable {
    public var secretID: String
    public var username: String
    public var key: SymmetricKey
    /// Unix seconds; 0 (or below) never expires.
    public var expires: Int64
    /// The secret's name (unique per owner), to find it again when the change feed says it was deleted.
    public var name: String

    public init(secretID: String, username: String, secretKey: String, expires: Int64, name: String = "") {
        self.secretID = secretID
        self.username = username
        key = SymmetricKey(data: Array(secretKey.utf8))
        self.expires = expires
        self.name = name
    }
}

/// One user's policies, compiled once, plus the JSON the audit records carry.
public final class OwnerPolicies: Sendable {
    public let set: PolicySet
    /// `[policy, …]` in ladon's JSON, the audit record's `policies` (empty without detailed recording), escaped for
    /// a JSON string literal (``JSONTextBuffer/appendEscaped(_:)``) as the record carries it.
    public let escapedPoliciesJSON: String
    /// Policy JSON by ID, escaped likewise, for the audit record's `deciders`: escaped once here, not per decision.
    public let escapedPolicyJSONByID: [String: String]

    /// The set's decision, asked of the set where it is stored (read through the owner from outside, the set was
    /// copied out of it on every decision: a retain and release of each of its parts).
    public func decide(_ request: AccessRequest) -> Decision { set.decide(request) }

    /// - Parameter previous: the owner's policies before this change: what did not change is not compiled or
    ///   rendered again.
    public init(_ policies: [Policy], previous: OwnerPolicies? = nil, detailedRecording: Bool = false) {
        let set = PolicySet(policies, reusing: previous?.set)
        self.set = set
        let byID = previous.flatMap { OwnerPolicies.carryingOver($0, to: set) } ?? OwnerPolicies.texts(of: policies)
        escapedPoliciesJSON = detailedRecording ? "[" + policies.map { byID[$0.id]! }.joined(separator: ",") + "]" : ""
        escapedPolicyJSONByID = byID
    }

    /// Each policy's escaped JSON by ID, the first of a repeated ID winning.
    private static func texts(of policies: [Policy]) -> [String: String] {
        var byID: [String: String] = [:]
        byID.reserveCapacity(policies.count)
        for policy in policies where byID[policy.id] == nil { byID[policy.id] = escapedText(policy) }
        return byID
    }

    /// `policy`'s JSON as the contents of a JSON string literal.
    static func escapedText(_ policy: Policy) -> String {
        var buffer = JSONTextBuffer()
        buffer.appendEscaped(policy.jsonText)
        return buffer.text
    }

    /// `previous`'s texts with those of dropped and changed policies replaced: a large owner's set is rebuilt on every
    /// change to one of its policies, and copying the dictionary costs far less than rendering or re-hashing every
    /// policy. Nil when IDs repeat (the store keeps them unique per owner), for ``texts(of:)`` to decide.
    private static func carryingOver(_ previous: OwnerPolicies, to set: PolicySet) -> [String: String]? {
        let positions = set.positionsInPrevious
        guard positions.count == set.policies.count, previous.escapedPolicyJSONByID.count == previous.set.policies.count else {
            return nil
        }
        var byID = previous.escapedPolicyJSONByID
        var kept = [Bool](repeating: false, count: previous.set.policies.count)
        for position in positions where position >= 0 { kept[Int(position)] = true }
        for (position, wasKept) in kept.enumerated() where !wasKept { byID[previous.set.policies[position].id] = nil }
        for (position, previousPosition) in positions.enumerated() where previousPosition < 0 {
            let policy = set.policies[position]
            guard byID[policy.id] == nil else { return nil }
            byID[policy.id] = escapedText(policy)
        }
        return byID.count == set.policies.count ? byID : nil
    }
}

/// Everything authz decides on, as of one revision of the store. Immutable: a change builds a new snapshot and
/// swaps it in (``SnapshotHolder``), so a decision reads one consistent state without a lock.
public final class AuthzSnapshot: Sendable {
    public let revision: Int64
    /// Secrets by secretID (the JWT's `kid`).
    public let secrets: [String: SecretEntry]
    /// Policies by owner. An owner with no entry has no policies ("list policies failed" in marmotedu/iam).
    public let owners: [String: OwnerPolicies]
    /// When this state was last confirmed current (monotonic clock): its age is a metric.
    public let confirmedAt: ContinuousClock.Instant

    public init(revision: Int64, secrets: [String: SecretEntry], owners: [String: OwnerPolicies],
                confirmedAt: ContinuousClock.Instant = .now) {
        self.revision = revision
        self.secrets = secrets
        self.owners = owners
        self.confirmedAt = confirmedAt
    }

    /// The whole state from secrets and policies (grouped by owner, order kept).
    public convenience init(revision: Int64, secrets: [SecretEntry], policies: [(owner: String, policy: Policy)],
                            detailedRecording: Bool = false) {
        var secretsByID: [String: SecretEntry] = [:]
        for secret in secrets { secretsByID[secret.secretID] = secret }
        var grouped: [String: [Policy]] = [:]
        for (owner, policy) in policies { grouped[owner, default: []].append(policy) }
        self.init(revision: revision, secrets: secretsByID,
                  owners: grouped.mapValues { OwnerPolicies($0, detailedRecording: detailedRecording) })
    }

    /// This state with `owner`'s secrets and policies replaced (both empty when the owner is gone or disabled).
    public func replacingOwner(_ owner: String, secrets ownerSecrets: [SecretEntry], policies: [Policy], revision: Int64,
                               detailedRecording: Bool = false) -> AuthzSnapshot {
        var secrets = self.secrets.filter { $0.value.username != owner }
        for secret in ownerSecrets { secrets[secret.secretID] = secret }
        var owners = self.owners
        owners[owner] = policies.isEmpty ? nil : OwnerPolicies(policies, previous: owners[owner], detailedRecording: detailedRecording)
        return AuthzSnapshot(revision: max(revision, self.revision), secrets: secrets, owners: owners)
    }

    /// One secret or policy as the change feed reports it now; nil when it is gone.
    public enum ObjectChange: Sendable {
        case secret(owner: String, name: String, SecretEntry?)
        case policy(owner: String, name: String, Policy?)
    }

    /// Changed secrets and policies applied in order. A policy that existed keeps its place; a new one comes first
    /// (the newest policy first, as the apiserver lists them). Each touched owner's set is built once, compiling
    /// only the policies it did not have.
    public func applying(_ changes: [ObjectChange], revision: Int64, detailedRecording: Bool = false) -> AuthzSnapshot {
        var secrets = self.secrets
        var lists: [String: [Policy]] = [:]
        for change in changes {
            switch change {
            case .secret(let owner, let name, let secret):
                if let old = secrets.first(where: { $0.value.username == owner && $0.value.name == name }) {
                    secrets.removeValue(forKey: old.key)
                }
                if let secret { secrets[secret.secretID] = secret }
            case .policy(let owner, let name, let policy):
                var policies = lists[owner] ?? owners[owner]?.set.policies ?? []
                if let index = policies.firstIndex(where: { $0.id == name }) {
                    if let policy { policies[index] = policy } else { policies.remove(at: index) }
                } else if let policy {
                    policies.insert(policy, at: 0)
                }
                lists[owner] = policies
            }
        }
        var owners = self.owners
        for (owner, policies) in lists {
            owners[owner] = policies.isEmpty ? nil : OwnerPolicies(policies, previous: self.owners[owner], detailedRecording: detailedRecording)
        }
        return AuthzSnapshot(revision: max(revision, self.revision), secrets: secrets, owners: owners)
    }

    /// The same state, confirmed current at `revision` now.
    public func confirmed(at revision: Int64) -> AuthzSnapshot {
        AuthzSnapshot(revision: max(revision, self.revision), secrets: secrets, owners: owners)
    }
}
