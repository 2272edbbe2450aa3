#if canImport(Glibc)
import Glibc
#endif

/// Starts notify scripts the keepalived way: the configured command line (split on spaces), extra
/// arguments appended, fire and forget — the state machine never waits for them. Children start with
/// default signal dispositions and an empty signal mask, whatever the daemon inherited.
public enum ScriptRunner {
    /// Starts the script; returns its process ID, or nil (logged) when it cannot start.
    @discardableResult
    public static func launch(_ commandLine: String, arguments extra: [String] = [], as prefix: [String] = [],
                              log: (String) -> Void) -> Int32? {
        let words = prefix + commandLine.split(separator: " ").map(String.init) + extra
        guard let executable = words.first else { return nil }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            log("cannot run \(executable): \(String(cString: strerror(result)))")
            return nil
        }
        return pid
    }

    /// Collects every finished child (no zombies): process ID and whether it exited with status 0.
    @discardableResult
    public static func reapFinished() -> [(pid: Int32, success: Bool)] {
        var reaped: [(pid: Int32, success: Bool)] = []
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return reaped }
            // WIFEXITED and WEXITSTATUS == 0
            reaped.append((pid, status & 0x7F == 0 && (status >> 8) & 0xFF == 0))
        }
    }
}
