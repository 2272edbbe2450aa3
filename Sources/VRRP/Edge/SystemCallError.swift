#if canImport(Glibc)
import Glibc
#endif

/// A failed system call, with what we were doing and the OS's own words.
public struct SystemCallError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var code: Int32

    init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    public var description: String { "\(operation): \(String(cString: strerror(code))) (errno \(code))" }
}
