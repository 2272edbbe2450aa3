/// A problem with the files given to `iam policy`: names the file and, for content, the JSON path.
public struct PolicyToolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }

    /// `iam policy` exits with this code on bad input files.
    public static let exitCode: Int32 = 2
}
