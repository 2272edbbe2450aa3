public import PolicyEngine

/// `iam policy eval`: one JSON line per request, in order.
public enum PolicyEvaluation {
    /// Reads both files and returns the output lines.
    public static func run(policiesFile: String, requestsFile: String, explain: Bool) throws(PolicyToolError) -> [String] {
        let policies = try JSONDocumentLoader.policies(JSONDocumentLoader.read(policiesFile), file: policiesFile)
        let requests = try JSONDocumentLoader.requests(JSONDocumentLoader.read(requestsFile), file: requestsFile)
        let set = PolicySet(policies)
        return requests.map { request in
            line(for: set.decide(request), nearMisses: explain ? set.explain(request) : nil)
        }
    }

    /// `{"allowed":…,"reason":…,"allow_policy_ids":[…],"deny_policy_ids":[…],"error_policy_ids":[…]}`,
    /// plus `error` when evaluation failed and `near_misses` when explaining.
    public static func line(for decision: Decision, nearMisses: [NearMiss]?) -> String {
        var members: [(String, String)] = [
            ("allowed", decision.allowed ? "true" : "false"),
            ("reason", JSONText.quote(decision.reason.rawValue)),
            ("allow_policy_ids", JSONText.array(decision.allowPolicyIDs.map(JSONText.quote))),
            ("deny_policy_ids", JSONText.array(decision.denyPolicyIDs.map(JSONText.quote))),
            ("error_policy_ids", JSONText.array(decision.errorPolicyIDs.map(JSONText.quote))),
        ]
        if let message = decision.errorMessage { members.append(("error", JSONText.quote(message))) }
        if let nearMisses {
            let encoded = nearMisses.map { miss in
                JSONText.object([
                    ("policy_id", JSONText.quote(miss.policyID)),
                    ("rejected_by", JSONText.quote(miss.rejectedBy)),
                    ("detail", JSONText.quote(miss.detail)),
                ])
            }
            members.append(("near_misses", JSONText.array(encoded)))
        }
        return JSONText.object(members)
    }
}
