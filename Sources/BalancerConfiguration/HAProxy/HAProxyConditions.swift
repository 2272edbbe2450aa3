/// ACL declarations and `if|unless` conditions.
enum HAProxyConditions {
    static let criteria = [
        "path", "path_beg", "path_end", "path_reg", "path_sub", "path_dir", "url", "url_beg", "url_end", "url_reg", "url_sub",
        "hdr(NAME)", "hdr_beg(NAME)", "hdr_end(NAME)", "hdr_dom(NAME)", "hdr_reg(NAME)", "hdr_sub(NAME)", "src", "method",
        "ssl_fc", "url_param(NAME)",
    ]

    /// `CRITERION [-i] [-m METHOD] [--] PATTERNS…` (the words after the ACL name, or inside `{ }`).
    static func matcher(_ words: [String], line: HAProxyLine) throws(BalancerConfigurationError) -> ACLMatcher {
        guard let criterion = words.first else {
            throw BalancerConfigurationError(line.location, "the ACL has no criterion", hint: "acl NAME path_beg /api")
        }
        guard var (fetch, method) = parseCriterion(criterion) else {
            throw BalancerConfigurationError(
                line.location, "unknown ACL criterion '\(criterion)'",
                hint: Suggestion.hint(for: criterion, among: criteria) ?? "supported: \(criteria.joined(separator: ", "))"
            )
        }
        var caseInsensitive = false
        var patterns: [String] = []
        var index = 1
        var flagsDone = false
        while index < words.count {
            let word = words[index]
            if !flagsDone && word.hasPrefix("-") {
                switch word {
                case "-i": caseInsensitive = true
                case "-m":
                    index += 1
                    guard index < words.count, let explicit = MatchMethod(rawValue: words[index]) else {
                        throw BalancerConfigurationError(line.location, "'-m' expects str, beg, end, sub, reg, dom, dir, ip or found")
                    }
                    method = explicit
                case "--": flagsDone = true
                case "-f":
                    throw BalancerConfigurationError(line.location, "ACL pattern files (-f) are not supported", hint: "list the patterns on the line")
                default:
                    throw BalancerConfigurationError(line.location, "unknown ACL flag '\(word)'", hint: "-i (ignore case), -m METHOD or --")
                }
            } else {
                flagsDone = true
                patterns.append(word)
            }
            index += 1
        }
        if method == .boolean || method == .found {
            guard patterns.isEmpty else {
                throw BalancerConfigurationError(line.location, "'\(criterion)' takes no patterns")
            }
        } else if patterns.isEmpty {
            throw BalancerConfigurationError(line.location, "'\(criterion)' needs at least one pattern")
        }
        if case .header(let name) = fetch { fetch = .header(name.lowercased()) }
        if method == .domain || fetch == .method { caseInsensitive = true }
        do {
            return try ACLMatcher(fetch: fetch, method: method, patterns: patterns, caseInsensitive: caseInsensitive)
        } catch let error as ACLMatcher.InvalidPattern {
            throw BalancerConfigurationError(line.location, "'\(error.pattern)' is not an address or network", hint: "for example 10.0.0.0/8")
        } catch {
            throw BalancerConfigurationError(line.location, "invalid regular expression in '\(criterion)': \(error)")
        }
    }

    private static func parseCriterion(_ text: String) -> (SampleFetch, MatchMethod)? {
        var name = text
        var argument: String?
        if let open = text.firstIndex(of: "("), text.hasSuffix(")") {
            name = String(text[..<open])
            argument = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        }
        if name.hasPrefix("req.") { name.removeFirst(4) }
        let suffixes: [String: MatchMethod] = ["": .exact, "_beg": .beginning, "_end": .ending, "_reg": .regex, "_sub": .substring, "_dom": .domain, "_dir": .directory]
        for (suffix, method) in suffixes {
            if name == "path\(suffix)", argument == nil { return (.path, method) }
            if name == "url\(suffix)", argument == nil { return (.url, method) }
            if name == "hdr\(suffix)", let argument, !argument.isEmpty { return (.header(argument), method) }
            if (name == "url_param\(suffix)" || name == "urlp\(suffix)"), let argument, !argument.isEmpty {
                return (.queryParameter(argument), method)
            }
        }
        switch name {
        case "src": return argument == nil ? (.sourceAddress, .ipAddress) : nil
        case "method": return argument == nil ? (.method, .exact) : nil
        case "ssl_fc": return argument == nil ? (.tlsConnection, .boolean) : nil
        default: return nil
        }
    }

    /// `if|unless TERMS` where TERMS are ACL names, `!name`, `{ anonymous acl }`, joined by `or`/`||`.
    /// Returns nil when there is no condition and it is optional.
    static func condition(
        _ words: [String], acls: [String: [ACLMatcher]], line: HAProxyLine, required: Bool
    ) throws(BalancerConfigurationError) -> Condition? {
        guard let keyword = words.first else {
            if required {
                throw BalancerConfigurationError(line.location, "'\(line.words[0])' needs a condition", hint: "\(line.words[0]) NAME if ACL")
            }
            return nil
        }
        guard keyword == "if" || keyword == "unless" else {
            throw BalancerConfigurationError(line.location, "unexpected '\(keyword)'", hint: "a condition starts with 'if' or 'unless'")
        }
        var alternatives: [[ConditionTerm]] = [[]]
        var index = 1
        var negate = false
        while index < words.count {
            var word = words[index]
            if word == "!{" {
                // HAProxy accepts the negation glued to an anonymous ACL: `if !{ ssl_fc }`.
                negate.toggle()
                word = "{"
            }
            switch word {
            case "or", "||":
                guard !alternatives[alternatives.count - 1].isEmpty, !negate else {
                    throw BalancerConfigurationError(line.location, "'\(word)' without a term before it")
                }
                alternatives.append([])
            case "!":
                negate.toggle()
            case "{":
                guard let close = words[index...].firstIndex(of: "}") else {
                    throw BalancerConfigurationError(line.location, "'{' is not closed", hint: "write { fetch pattern } with spaces around the braces")
                }
                let inner = Array(words[(index + 1)..<close])
                let matcher = try matcher(inner, line: line)
                alternatives[alternatives.count - 1].append(ConditionTerm(negated: negate, matchers: [matcher], label: "{ \(inner.joined(separator: " ")) }"))
                negate = false
                index = close
            default:
                var name = word
                if name.hasPrefix("!") {
                    negate.toggle()
                    name.removeFirst()
                }
                if name.hasPrefix("{") || name.hasSuffix("}") {
                    throw BalancerConfigurationError(line.location, "'\(word)': braces must stand alone", hint: "write { \(name.trimmingBraces) } with spaces around the braces")
                }
                guard let matchers = acls[name] else {
                    throw BalancerConfigurationError(
                        line.location, "unknown ACL '\(name)'",
                        hint: Suggestion.hint(for: name, among: acls.keys) ?? "declare it with 'acl \(name) …' before this line"
                    )
                }
                alternatives[alternatives.count - 1].append(ConditionTerm(negated: negate, matchers: matchers, label: name))
                negate = false
            }
            index += 1
        }
        guard alternatives.allSatisfy({ !$0.isEmpty }) else {
            throw BalancerConfigurationError(line.location, "the condition after '\(keyword)' is empty or ends with 'or'")
        }
        return Condition(inverted: keyword == "unless", alternatives: alternatives)
    }
}

extension String {
    fileprivate var trimmingBraces: String { String(self.filter { $0 != "{" && $0 != "}" }) }
}
