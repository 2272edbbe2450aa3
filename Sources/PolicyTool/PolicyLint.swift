import PolicyEngine

/// `iam policy lint`: every policy that cannot load (unknown condition type, wrong option types) and
/// every malformed template or never-fulfilled condition, without evaluating anything.
public enum PolicyLint {
    public struct Report: Sendable {
        /// One line per problem, `FILE: $[i]...: message` or `FILE: policy "id": field: message`.
        public var problems: [String]
        public var policyCount: Int
    }

    public static func run(file: String) throws(PolicyToolError) -> Report {
        let items = try JSONDocumentLoader.array(JSONDocumentLoader.read(file), file: file, of: "policies")
        var problems: [String] = []
        var loaded: [Policy] = []
        for (index, item) in items.enumerated() {
            do {
                loaded.append(try Policy(json: item, at: JSONPath.root.appending(index)))
            } catch {
                problems.append("\(file): \(error.description)")
            }
        }
        problems += PolicySet(loaded).problems.map { "\(file): \($0.description)" }
        return Report(problems: problems, policyCount: items.count)
    }
}
