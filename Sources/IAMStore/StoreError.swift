/// A store failure that is not the caller's fault (unreachable database, schema too new, bad store URL).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

