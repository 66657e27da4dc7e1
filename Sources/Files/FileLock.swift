import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock held on a file of its own (`flock`), which orders processes that must not
/// do one thing at the same time, such as two `bf` processes migrating a new home's store.
///
/// The lock file is created (mode 0600) if missing and left in place; the lock is released
/// when the body returns or throws, or when the process dies, so a killed holder never
/// leaves it held. It must not be a file another library locks with `fcntl` (an SQLite
/// database): closing any descriptor of such a file drops that library's locks.
public enum FileLock {
    /// Runs `body` while holding the exclusive lock of the file at `path`, waiting for it.
    public static func whileHolding<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError(.write, path: path, errno: errno) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw FileError(.write, path: path, errno: errno) }
        }
        return try body()
    }
}
