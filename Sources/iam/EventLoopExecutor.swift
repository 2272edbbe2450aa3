import NIOCore
import NIOPosix

/// Where a role's Swift Concurrency jobs run.
enum EventLoopExecutor {
    /// Runs every job that would go to Swift's global executor (libdispatch's thread pool on Linux) on SwiftNIO's
    /// singleton event loops instead: the loops Hummingbird's server and the PostgreSQL client already use. A request
    /// then stays on the thread that read it instead of hopping to a pool thread for the route and back for each
    /// database answer. Measured on the apiserver with PostgreSQL (docs/PERFORMANCE.md): thread switches per
    /// `/healthz` 15 → 5, and more policy writes per second under load.
    ///
    /// Not with SQLite: every SQLite answer completes on its connection's one event loop, so the requests' tasks pile
    /// up on that loop and leave the other idle (measured: 0.4–0.9× the requests per second). Only for roles whose
    /// async code never blocks a thread (the apiserver's bcrypt runs on `NIOThreadPool`). Call once, before the role
    /// starts its services.
    static func install() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
