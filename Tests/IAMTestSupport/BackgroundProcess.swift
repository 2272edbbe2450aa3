#if canImport(Glibc)
import Glibc
#endif
public import Foundation

/// A command left running (a server under test), its output in a file; killed when released.
public final class BackgroundProcess: @unchecked Sendable {
    public let pid: pid_t
    public let outputPath: String
    private var exitStatus: Int32?

    public init(_ arguments: [String], environment: [String: String]) throws {
        outputPath = "\(NSTemporaryDirectory())background-\(UUID().uuidString).out"
        let pid = try Spawn.launch(arguments, environment: environment, outputPath: outputPath)
        self.pid = pid
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        unlink(outputPath)
    }

    /// Everything the process printed so far.
    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    public func signal(_ number: Int32) { kill(pid, number) }

    /// Waits for the process to exit and returns its status (128+N for signal N).
    @discardableResult
    public func wait() -> Int32 {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let result = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        exitStatus = result
        return result
    }

    /// Polls the output until `pattern` appears (returns the line) or `seconds` pass (nil).
    public func awaitOutput(containing pattern: String, seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = output.split(separator: "\n").first(where: { $0.contains(pattern) }) { return String(line) }
            usleep(50_000)
        }
        return nil
    }
}
