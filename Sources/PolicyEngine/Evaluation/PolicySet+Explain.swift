/// A policy that almost applied to a request: one of its parts did not fit, and which.
public struct NearMiss: Sendable, Equatable {
    public var policyID: String
    /// `actions`, `subjects`, `resources` or `conditions`.
    public var rejectedBy: String
    /// The template list or condition, in words.
    public var detail: String
}

/// A problem found in a policy without evaluating any request (`iam policy lint`).
public struct PolicyProblem: Sendable, Equatable, CustomStringConvertible {
    public var policyID: String
    public var field: String
    public var message: String

    public var description: String { "policy \"\(policyID)\": \(field): \(message)" }
}

extension PolicySet {
    /// Every policy that misses the request by exactly one part (a template list or the conditions), and why.
    /// Slower than ``decide(_:)``: it looks at every policy.
    public func explain(_ request: AccessRequest) -> [NearMiss] {
        withNeedles(request) { action, subject, resource in
            policies.indices.compactMap { position in
                nearMiss(position, request, action: action, subject: subject, resource: resource)
            }
        }
    }

    /// Malformed templates and condition options that can never be fulfilled.
    public var problems: [PolicyProblem] {
        policies.indices.flatMap { position -> [PolicyProblem] in
            let policy = compiled[Int(bodies.bodyOfPolicy[position])]
            let id = policies[position].id
            var found: [PolicyProblem] = []
            for field in CompiledPolicy.Field.allCases {
                for entry in policy.entries(field) {
                    if case .malformed(let error) = entry {
                        found.append(PolicyProblem(policyID: id, field: field.description, message: error.description))
                    }
                }
            }
            for condition in policy.conditions {
                if let warning = condition.warning {
                    found.append(PolicyProblem(policyID: id, field: "conditions", message: warning))
                }
            }
            return found
        }
    }
}

extension PolicySet {
    /// A near miss is a policy that does not apply although all but one of its four parts (actions,
    /// subjects, resources, conditions) fit the request; the part that does not fit is reported.
    fileprivate func nearMiss(_ position: Int, _ request: AccessRequest, action: UnsafeBufferPointer<UInt8>,
                              subject: UnsafeBufferPointer<UInt8>, resource: UnsafeBufferPointer<UInt8>) -> NearMiss? {
        let policy = policies[position]
        let body = Int(bodies.bodyOfPolicy[position])
        var misses: [NearMiss] = []
        let fields: [(CompiledPolicy.Field, UnsafeBufferPointer<UInt8>)] = [(.actions, action), (.subjects, subject), (.resources, resource)]
        for (field, needle) in fields {
            switch code.match(span(body, field), needle) {
            case .passed: continue
            case .rejected:
                let templates = policy.templates(field).map { "\"\($0)\"" }.joined(separator: ", ")
                misses.append(NearMiss(policyID: policy.id, rejectedBy: field.description,
                                       detail: "\"\(String(decoding: needle, as: UTF8.self))\" matches none of [\(templates)]"))
            case .failed:
                let message = code.failureMessage(span(body, field), needle) ?? "could not be evaluated"
                misses.append(NearMiss(policyID: policy.id, rejectedBy: field.description, detail: message))
            }
            if misses.count > 1 { return nil }
        }
        let (step, condition) = compiled[body].checkConditions(request, subject: subject, resource: resource)
        if step != .passed, let condition {
            let value = request.context[condition.key].map { "\($0)" } ?? "absent"
            let verdict: String
            verdict = step == .failed ? "pattern too expensive for the value" : "not fulfilled by \(value)"
            misses.append(NearMiss(policyID: policy.id, rejectedBy: "conditions",
                                   detail: "\(condition.type.rawValue) on \"\(condition.key)\": \(verdict)"))
        }
        return misses.count == 1 ? misses[0] : nil
    }
}

extension Policy {
    func templates(_ field: CompiledPolicy.Field) -> [String] {
        switch field {
        case .actions: actions
        case .subjects: subjects
        case .resources: resources
        }
    }
}
