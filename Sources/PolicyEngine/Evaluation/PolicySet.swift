/// A compiled, indexed set of policies that answers access requests as ory/ladon does.
///
/// Templates, patterns and networks are compiled once, here; ``decide(_:)`` does no parsing and takes
/// no lock, so one `PolicySet` can be shared by any number of threads.
///
/// ```swift
/// let set = PolicySet(policies)
/// let decision = set.decide(AccessRequest(subject: "users:peter", action: "delete",
///                                         resource: "resources:articles:ladon"))
/// print(decision.allowed, decision.reason)
/// ```
public struct PolicySet: Sendable {
    /// Every policy, in the order given.
    public let policies: [Policy]
    let bodies: PolicyBodies
    /// One per body (see ``PolicyBodies``): compiled, coded and indexed once.
    let compiled: [CompiledPolicy]
    let code: PolicyCode
    let index: PolicyIndex
    private let policyIDs: [String]

    public init(_ policies: [Policy]) {
        self.init(policies, reusing: nil)
    }

    /// A set of `policies` that takes over what `previous` already worked out for the policies it had (their
    /// compiled templates, patterns and networks, their encoded form and their place in the index), so that changing
    /// one policy of a large set compiles and places one policy, not all of them.
    public init(_ policies: [Policy], reusing previous: PolicySet?) {
        self.policies = policies
        bodies = PolicyBodies(policies, previous: previous.map { ($0.policies, $0.bodies) })
        if let previous {
            compiled = zip(bodies.representatives, bodies.previousBody).map { position, previousBody in
                previousBody >= 0 ? previous.compiled[Int(previousBody)] : CompiledPolicy(policies[Int(position)])
            }
        } else {
            compiled = bodies.representatives.map { CompiledPolicy(policies[Int($0)]) }
        }
        code = PolicyCode(compiled, bodies: bodies, allows: policies.map(\.allows), reusing: previous?.code)
        index = PolicyIndex(compiled, previousBody: bodies.previousBody, reusing: previous.map { ($0.index, $0.compiled) })
        policyIDs = policies.map(\.id)
    }

    public var count: Int { policies.count }

    /// For a set built with `reusing:`, each policy's position in that set when it was there unchanged, or -1 when
    /// it is new or changed; empty for a set built from scratch. Lets a caller carry over what it keeps per policy.
    public var positionsInPrevious: [Int32] { bodies.previousPosition }

    /// Decides a request: allowed iff at least one matching policy allows, none denies and none fails.
    public func decide(_ request: AccessRequest) -> Decision {
        withNeedles(request) { action, subject, resource in
            decide(request, action: action, subject: subject, resource: resource) { body in
                index.forEachCandidate(action: action, subject: subject, resource: resource, body)
            }
        }
    }

    /// The same decision without the index: every policy is evaluated. For tests of the index.
    func decideByScanningEveryPolicy(_ request: AccessRequest) -> Decision {
        withNeedles(request) { action, subject, resource in
            decide(request, action: action, subject: subject, resource: resource) { body in
                for position in compiled.indices { body(Int32(position)) }
            }
        }
    }

    /// How many distinct policy bodies the index hands to evaluation for this request (one filed under
    /// two matching keys counts twice). A diagnostic: how well the index narrows this policy set.
    public func candidateCount(_ request: AccessRequest) -> Int {
        withNeedles(request) { action, subject, resource in
            var count = 0
            index.forEachCandidate(action: action, subject: subject, resource: resource) { _ in count += 1 }
            return count
        }
    }

    /// Runs `body` with the UTF-8 bytes of the request's action, subject and resource — in place for
    /// native strings, so a decision copies nothing.
    @inline(__always)
    func withNeedles<Result>(
        _ request: AccessRequest,
        _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        let inPlace = request.action.utf8.withContiguousStorageIfAvailable { action in
            request.subject.utf8.withContiguousStorageIfAvailable { subject in
                request.resource.utf8.withContiguousStorageIfAvailable { resource in body(action, subject, resource) }
            }
        }
        if case let result?? = inPlace, let result { return result }
        var action = request.action
        var subject = request.subject
        var resource = request.resource
        return action.withUTF8 { action in
            subject.withUTF8 { subject in
                resource.withUTF8 { resource in body(action, subject, resource) }
            }
        }
    }

    @inline(__always)
    private func decide(_ request: AccessRequest, action: UnsafeBufferPointer<UInt8>,
                        subject: UnsafeBufferPointer<UInt8>, resource: UnsafeBufferPointer<UInt8>,
                        candidates: ((Int32) -> Void) -> Void) -> Decision {
        var allows: [Int32] = []
        var denies: [Int32] = []
        var errors: [Int32] = []
        var firstError: (position: Int32, message: String)?
        candidates { body in
            switch evaluate(Int(body), request, action: action, subject: subject, resource: resource) {
            case .passed:
                for member in code.members(of: Int(body)) {
                    if code.memberAllows[Int(member)] { allows.append(member) } else { denies.append(member) }
                }
            case .rejected:
                break
            case .failed:
                let members = code.members(of: Int(body))
                errors.append(contentsOf: members)
                if let first = members.first, firstError.map({ first < $0.position }) ?? true {
                    let message = failureMessage(Int(body), request, action: action, subject: subject, resource: resource)
                    firstError = (first, message)
                }
            }
        }
        let reason: DecisionReason =
            !errors.isEmpty ? .error : !denies.isEmpty ? .forcedDeny : !allows.isEmpty ? .allowed : .noMatch
        return Decision(reason: reason, allowPolicyIDs: ids(allows), denyPolicyIDs: ids(denies),
                        errorPolicyIDs: ids(errors), errorMessage: firstError?.message)
    }

    /// Policy IDs in set order, each once (a body filed under two keys can be visited twice).
    private func ids(_ positions: [Int32]) -> [String] {
        guard !positions.isEmpty else { return [] }
        guard positions.count > 1 else { return [policyIDs[Int(positions[0])]] }
        var result: [String] = []
        var last: Int32 = -1
        for position in positions.sorted() where position != last {
            result.append(policyIDs[Int(position)])
            last = position
        }
        return result
    }
}

extension PolicySet {
    /// Ladon's lazy order: actions, subjects, resources, then conditions; the first step that does not
    /// pass decides. `position` is a body number.
    @inline(__always)
    func evaluate(_ position: Int, _ request: AccessRequest, action: UnsafeBufferPointer<UInt8>,
                  subject: UnsafeBufferPointer<UInt8>, resource: UnsafeBufferPointer<UInt8>) -> CompiledPolicy.Verdict {
        let record = code.policies[position]
        let actionVerdict = code.match(record.actions, action)
        guard actionVerdict == .passed else { return actionVerdict }
        let subjectVerdict = code.match(record.subjects, subject)
        guard subjectVerdict == .passed else { return subjectVerdict }
        let resourceVerdict = code.match(record.resources, resource)
        guard resourceVerdict == .passed else { return resourceVerdict }
        guard record.hasConditions else { return .passed }
        return compiled[position].checkConditions(request, subject: subject, resource: resource).0
    }

    /// The message for a policy whose evaluation failed, found by walking the same steps again.
    func failureMessage(_ position: Int, _ request: AccessRequest, action: UnsafeBufferPointer<UInt8>,
                        subject: UnsafeBufferPointer<UInt8>, resource: UnsafeBufferPointer<UInt8>) -> String {
        let record = code.policies[position]
        for (span, needle) in [(record.actions, action), (record.subjects, subject), (record.resources, resource)] {
            if let message = code.failureMessage(span, needle) { return message }
        }
        if case (.failed, let condition?) = compiled[position].checkConditions(request, subject: subject, resource: resource) {
            return "condition \"\(condition.key)\": pattern too expensive for the value"
        }
        return "policy could not be evaluated"
    }

    /// One template list of one policy against a needle.
    func span(_ position: Int, _ field: CompiledPolicy.Field) -> PolicyCode.Span {
        let record = code.policies[position]
        switch field {
        case .actions: return record.actions
        case .subjects: return record.subjects
        case .resources: return record.resources
        }
    }
}
