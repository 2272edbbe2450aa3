/// A place in a configuration file, for messages: `FILE:LINE`.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file as the user named it (or as an `include` resolved it).
    public var file: String
    /// One-based line number.
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// A configuration the load balancer cannot run: where, what is wrong, and how to fix it.
public struct BalancerConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    public var location: SourceLocation?
    public var message: String
    public var hint: String?

    public init(_ location: SourceLocation?, _ message: String, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var text = location.map { "\($0): \(message)" } ?? message
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}

/// A directive the configuration names that only tunes nginx's or HAProxy's own internals: accepted, listed by
/// `iam lb --check`, without effect.
public struct IgnoredDirective: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var name: String
    public var reason: String

    public init(_ location: SourceLocation, _ name: String, reason: String) {
        self.location = location
        self.name = name
        self.reason = reason
    }

    public var description: String { "\(location): \(name): \(reason)" }
}

/// Something that works but may not be what the author meant (an unresolvable server name, a duplicate
/// server_name). Printed at start-up and by `--check`.
public struct ConfigurationWarning: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
