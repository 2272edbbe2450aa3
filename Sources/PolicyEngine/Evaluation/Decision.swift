/// Why a request was allowed or denied.
public enum DecisionReason: String, Sendable, Equatable {
    /// No policy matched: "Request was denied by default".
    case noMatch = "no_match"
    /// A matching policy with a non-`allow` effect: "Request was forcefully denied".
    case forcedDeny = "forced_deny"
    case allowed
    /// A policy could not be evaluated (malformed template, pattern too expensive): denied.
    case error

    /// The reason ladon gives for a denial, as authz returns it.
    public var ladonMessage: String? {
        switch self {
        case .noMatch: "Request was denied by default"
        case .forcedDeny: "Request was forcefully denied"
        case .allowed: nil
        case .error: "Request could not be evaluated"
        }
    }
}

/// The answer to one ``AccessRequest``: deny overrides allow, and anything that could not be
/// evaluated denies.
public struct Decision: Sendable, Equatable {
    public var allowed: Bool { reason == .allowed }
    public var reason: DecisionReason
    /// Matching policies that allow, in policy-set order.
    public var allowPolicyIDs: [String]
    /// Matching policies that deny, in policy-set order.
    public var denyPolicyIDs: [String]
    /// Policies that raised an error, in policy-set order.
    public var errorPolicyIDs: [String]
    /// The first error's message, when `reason` is `.error`.
    public var errorMessage: String?

    public init(reason: DecisionReason, allowPolicyIDs: [String] = [], denyPolicyIDs: [String] = [],
                errorPolicyIDs: [String] = [], errorMessage: String? = nil) {
        self.reason = reason
        self.allowPolicyIDs = allowPolicyIDs
        self.denyPolicyIDs = denyPolicyIDs
        self.errorPolicyIDs = errorPolicyIDs
        self.errorMessage = errorMessage
    }

    /// The policies ladon reports as deciders: the allowing ones, then the first denying one.
    public var deciderIDs: [String] {
        allowPolicyIDs + denyPolicyIDs.prefix(1)
    }

    /// The audit record's `conclusion` text (marmotedu/iam's authorizer).
    public var auditConclusion: String {
        let deciders = deciderIDs
        if allowed {
            return "policies \(deciders.joined(separator: ", ")) allow access"
        }
        switch deciders.count {
        case 0: return "no policy allowed access"
        case 1: return "policy \(deciders[0]) forcefully denied the access"
        default:
            return "policies \(deciders.dropLast().joined(separator: ", ")) allow access, but policy \(deciders.last!) forcefully denied it"
        }
    }
}
