import Foundation

/// An exclusive `flock` on a file, taken without waiting: which process leads a role on a SQLite store (one pump,
/// one watcher at a time; on PostgreSQL the store's own locks do this). Released on deinit or when the process dies.
public final class FileLock {
    private let descriptor: Int32

    /// Nil when another process holds the lock.
    public init?(path: String) throws(StoreError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

