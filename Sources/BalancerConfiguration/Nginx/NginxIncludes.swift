/// `include` expansion: nginx splices the included files' directives in place.
struct NginxIncludes {
    let mainFile: String
    let knownDirectives: Set<String>
    var ignored: [IgnoredDirective] = []
    var warnings: [ConfigurationWarning] = []

    /// nginx resolves relative include paths against its configuration directory. An absolute path under
    /// `/etc/nginx/` that does not exist here is read from beside the main file instead, so a copied
    /// `/etc/nginx` tree (as in the fixtures) checks as it will run.
    func candidates(for pattern: String) -> [String] {
        let base = ConfigurationFile.directory(of: mainFile)
        if !pattern.hasPrefix("/") { return [base + "/" + pattern] }
        let prefix = "/etc/nginx/"
        if pattern.hasPrefix(prefix), base != "/etc/nginx" {
            return [pattern, base + "/" + pattern.dropFirst(prefix.count)]
        }
        return [pattern]
    }

    mutating func expand(_ directives: [NginxDirective], depth: Int = 0) throws(BalancerConfigurationError) -> [NginxDirective] {
        var result: [NginxDirective] = []
        for var directive in directives {
            if directive.name == "include" {
                try directive.expectArguments(1...1, usage: "include FILE|MASK;")
                guard depth < 16 else {
                    throw BalancerConfigurationError(directive.location, "includes nest more than 16 deep (does a file include itself?)")
                }
                result += try expandInclude(directive, depth: depth)
                continue
            }
            if let block = directive.block {
                directive.block = try expand(block, depth: depth)
            }
            result.append(directive)
        }
        return result
    }

    private mutating func expandInclude(_ directive: NginxDirective, depth: Int) throws(BalancerConfigurationError) -> [NginxDirective] {
        let pattern = directive.arguments[0]
        let paths = candidates(for: pattern)
        var files: [String] = []
        if ConfigurationFile.isGlob(pattern) {
            for candidate in paths {
                files = ConfigurationFile.glob(candidate)
                if !files.isEmpty { break }
            }
            if files.isEmpty {
                warnings.append(ConfigurationWarning(directive.location, "include \(pattern) matches no file"))
                return []
            }
        } else {
            guard let found = paths.first(where: ConfigurationFile.exists) else {
                if pattern.hasSuffix("mime.types") {
                    ignored.append(IgnoredDirective(directive.location, "include \(pattern)", reason: "MIME types only matter for static files; the file is not here"))
                    return []
                }
                throw BalancerConfigurationError(directive.location, "include file \(pattern) does not exist", hint: "looked at \(paths.joined(separator: " and "))")
            }
            files = [found]
        }
        var result: [NginxDirective] = []
        for file in files {
            let text = try ConfigurationFile.read(file, from: directive.location)
            if file.hasSuffix("mime.types") {
                ignored.append(IgnoredDirective(directive.location, "include \(file)", reason: "MIME types only matter for static files"))
                continue
            }
            var tokenizer = NginxTokenizer(text: text, file: file, knownDirectives: knownDirectives)
            result += try expand(try tokenizer.parse(), depth: depth + 1)
        }
        return result
    }
}
