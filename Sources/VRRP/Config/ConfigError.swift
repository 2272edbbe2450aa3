/// Where a configuration statement was written.
public struct ConfigLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public var description: String { "\(file):\(line)" }
}

/// A keepalived configuration that cannot be used: `FILE:LINE: what is wrong`, and how to fix it.
public struct KeepalivedConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: ConfigLocation
    public var message: String
    public var hint: String?

    public init(_ location: ConfigLocation, _ message: String, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }

    public var description: String {
        "\(location): \(message)" + (hint.map { "\n  hint: \($0)" } ?? "")
    }
}

/// Something accepted but worth telling: a setting keepalived would reset, or one we do not use.
public struct KeepalivedConfigNote: Sendable, Equatable, CustomStringConvertible {
    public var location: ConfigLocation
    public var message: String

    public var description: String { "\(location): \(message)" }
}
