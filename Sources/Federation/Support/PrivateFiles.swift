import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bf home is its user's alone: its files are made 0600 and its folders 0700, with the
/// mode set explicitly, so that neither a permissive umask nor the folder's own mode opens
/// up the store, keys, checkpoints or data.
enum PrivateFiles {
    /// The mode of every file bf keeps in the home.
    static let fileMode: mode_t = 0o600
    /// The mode of every folder bf makes in the home.
    static let folderMode: mode_t = 0o700

    /// Creates `url` and any missing parents with mode 0700.
    static func createFolder(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: Int(folderMode)])
    }

    /// Makes the file at `path` exist with mode 0600: an absent one is created empty, an
    /// existing one is narrowed to that mode (by its path: opening and closing a database
    /// file would drop the locks SQLite holds on it in this process).
    static func prepareFile(_ path: String) throws(HubError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        if descriptor >= 0 {
            defer { close(descriptor) }
            guard fchmod(descriptor, fileMode) == 0 else {
                throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
            return
        }
        guard errno == EEXIST else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        restrict(path)
    }

    /// Narrows the file at `path`, if there is one, to mode 0600.
    static func restrict(_ path: String) {
        _ = chmod(path, fileMode)
    }
}
