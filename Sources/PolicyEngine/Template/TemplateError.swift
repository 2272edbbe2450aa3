/// A subject, action or resource template that cannot be compiled.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var template: String
    public var message: String

    public var description: String { "template \"\(template)\": \(message)" }
}
