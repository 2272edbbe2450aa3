/// A policy ready for decisions: templates and conditions compiled once.
final class CompiledPolicy: Sendable {
    /// One template of a list: compiled, or the error ladon raises when it reaches it.
    enum Entry: Sendable {
        case template(CompiledTemplate)
        case malformed(TemplateError)
    }

    /// The three template lists, in ladon's evaluation order.
    enum Field: Int, Sendable, CaseIterable, CustomStringConvertible {
        case actions, subjects, resources

        var description: String {
            switch self {
            case .actions: "actions"
            case .subjects: "subjects"
            case .resources: "resources"
            }
        }
    }

    /// The outcome of matching one list (or the conditions) against a request. A plain value: the hot
    /// path never builds a message; ``PolicySet/failureMessage(_:_:action:subject:resource:)`` does.
    enum Verdict: UInt8, Sendable {
        case passed, rejected, failed
    }

    let policy: Policy
    let actions: [Entry]
    let subjects: [Entry]
    let resources: [Entry]
    /// Sorted by key so evaluation and explanations are deterministic.
    let conditions: [CompiledCondition]
    /// The index keys of each field's templates (malformed entries left out), worked out once: a policy set
    /// rebuilt after a change re-indexes every policy it reuses.
    let indexKeys: [[CompiledTemplate.IndexKey]]

    init(_ policy: Policy) {
        self.policy = policy
        func compile(_ templates: [String]) -> [Entry] {
            templates.map { template in
                do throws(TemplateError) {
                    return .template(try CompiledTemplate(template))
                } catch {
                    return .malformed(error)
                }
            }
        }
        actions = compile(policy.actions)
        subjects = compile(policy.subjects)
        resources = compile(policy.resources)
        hasMalformedTemplate = [actions, subjects, resources].contains { entries in
            entries.contains { if case .malformed = $0 { true } else { false } }
        }
        conditions = policy.conditions.sorted { $0.key < $1.key }.map { CompiledCondition(key: $0.key, condition: $0.value) }
        indexKeys = [actions, subjects, resources].map { entries in
            entries.flatMap { entry -> [CompiledTemplate.IndexKey] in
                if case .template(let template) = entry { template.indexKeys } else { [] }
            }
        }
    }

    @inline(__always)
    func entries(_ field: Field) -> [Entry] {
        switch field {
        case .actions: actions
        case .subjects: subjects
        case .resources: resources
        }
    }

    /// True when a template of any list is malformed.
    let hasMalformedTemplate: Bool

    /// True when a template list is empty: the policy can then never match.
    var hasEmptyList: Bool { actions.isEmpty || subjects.isEmpty || resources.isEmpty }

    /// Every condition must be fulfilled by `context[key]`; the first that is not decides.
    @inline(__always)
    func checkConditions(_ request: AccessRequest, subject: UnsafeBufferPointer<UInt8>,
                         resource: UnsafeBufferPointer<UInt8>) -> (Verdict, rejectedBy: CompiledCondition?) {
        for condition in conditions {
            switch condition.evaluate(request.context[condition.key], subject: subject, resource: resource) {
            case .fulfilled: continue
            case .notFulfilled: return (.rejected, condition)
            case .tooExpensive: return (.failed, condition)
            }
        }
        return (.passed, nil)
    }
}
