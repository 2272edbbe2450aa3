#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM / SIGINT turned into a readable pipe, so the event loop's poll() wakes up for them.
enum ShutdownSignal {
    /// Written only here and read by the C signal handler; set once before the handler is installed.
    nonisolated(unsafe) private static var writeEnd: Int32 = -1

    /// Installs the handlers; returns the descriptor to poll.
    static func install() throws -> Int32 {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw SystemCallError("pipe") }
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        writeEnd = ends[1]
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber) { _ in
                var byte: UInt8 = 1
                _ = write(ShutdownSignal.writeEnd, &byte, 1)
            }
        }
        return ends[0]
    }
}
