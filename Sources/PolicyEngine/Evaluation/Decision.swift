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
        var text = ""
        writeAuditConclusion(text: { text += $0 }, id: { text += $0 })
        return text
    }

    /// ``auditConclusion`` appended to `buffer` as the contents of a JSON string literal (escaped), without building
    /// the text (it is written into every audit record).
    public func appendAuditConclusion(escapedTo buffer: inout JSONTextBuffer) {
        writeAuditConclusion(text: { buffer.appendRaw($0) }, id: { buffer.appendEscaped($0) })
    }

    /// The one spelling of the conclusion: fixed words through `text`, policy IDs through `id`.
    private func writeAuditConclusion(text: (String) -> Void, id: (String) -> Void) {
        let count = allowPolicyIDs.count + min(denyPolicyIDs.count, 1)
        func deciders(_ range: Range<Int>) {
            for index in range {
                if index > range.lowerBound { text(", ") }
                id(index < allowPolicyIDs.count ? allowPolicyIDs[index] : denyPolicyIDs[0])
            }
        }
        if allowed {
            text("policies ")
            deciders(0..<count)
            text(" allow access")
            return
        }
        switch count {
        case 0:
            text("no policy allowed access")
        case 1:
            text("policy ")
            deciders(0..<1)
            text(" forcefully denied the access")
        default:
            text("policies ")
            deciders(0..<(count - 1))
            text(" allow access, but policy ")
            deciders((count - 1)..<count)
            text(" forcefully denied it")
        }
    }

    /// Calls `body` with each of ``deciderIDs`` in order, without building the array.
    public func forEachDeciderID(_ body: (String) -> Void) {
        allowPolicyIDs.forEach(body)
        if let first = denyPolicyIDs.first { body(first) }
    }
}
