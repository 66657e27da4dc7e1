import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a user's file (a report, a saved notebook, an exported key, a saved model, a
/// checkpoint) so that it is either complete or untouched.
///
/// A regular file (or a new one) is written to a temporary file in the same folder, flushed
/// to disk, renamed over the target, and the folder is flushed; a failure at any step removes
/// the temporary file and leaves the old file as it was. A symbolic link is followed, so the
/// file it points to is replaced and the link stays. A target that is not a regular file (a
/// device such as `/dev/full` or `/dev/stdout`, a named pipe) cannot be replaced, so it is
/// written directly; either way every write and the close are checked, and a failure is a
/// `FileError` naming the path and the reason ("no space left on device").
public enum AtomicFile {
    /// Writes `text` as UTF-8 to `path`.
    public static func write(_ text: String, to path: String, permissions: mode_t = 0o644) throws(FileError) {
        try write(Data(text.utf8), to: path, permissions: permissions)
    }

    /// Writes `bytes` to `path`; a new file gets `permissions` less the umask, a replaced one
    /// keeps its mode.
    public static func write(_ bytes: Data, to path: String, permissions: mode_t = 0o644) throws(FileError) {
        var target = path
        var status = stat()
        var existingMode: mode_t?
        if stat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                existingMode = status.st_mode & 0o7777
                if let resolved = realpath(path, nil) {
                    target = String(cString: resolved)
                    free(resolved)
                }
            case S_IFDIR:
                throw FileError(.write, path: path, reason: FileKind.folder.reason)
            default:
                return try writeInPlace(bytes, to: path)
            }
        }
        try replace(target, with: bytes, mode: existingMode ?? permissions & ~processUmask, reportedAs: path)
    }

    /// The process's file mode creation mask, which a new file's `permissions` pass through
    /// as they would through open(2). Read from /proc (setting it to read it would race with
    /// other threads creating files); 022 where /proc does not say.
    static var processUmask: mode_t {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
              let mask = mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8) else { return 0o022 }
        return mask
    }

    /// Writes to a temporary file beside `target` and renames it over `target`.
    private static func replace(_ target: String, with bytes: Data, mode: mode_t, reportedAs path: String) throws(FileError) {
        let folder = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let folderPath = folder.isEmpty ? "." : folder
        var template = Array((folderPath + "/.\(name).XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard descriptor >= 0 else {
            let code = errno
            guard code == ENOENT else { throw FileError(.write, path: path, errno: code) }
            // mkstemp says ENOENT both for a missing folder and for one that holds no new files (/proc).
            let reason = FileKind(path: folderPath) == .folder ? "no new file can be created in '\(folderPath)'"
                                                               : "no such folder '\(folderPath)'"
            throw FileError(.write, path: path, reason: reason)
        }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
        var committed = false
        defer { if !committed { unlink(temporary) } }
        do throws(FileError) {
            guard fchmod(descriptor, mode) == 0 else { throw FileError(.write, path: path, errno: errno) }
            try writeAll(bytes, to: descriptor, path: path)
            guard fsync(descriptor) == 0 else { throw FileError(.write, path: path, errno: errno) }
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw FileError(.write, path: path, errno: errno) }
        guard rename(temporary, target) == 0 else { throw FileError(.write, path: path, errno: errno) }
        committed = true
        // The rename is durable only once the folder is on disk; a folder that cannot be
        // flushed (some network file systems) still holds the complete file.
        let folderDescriptor = open(folderPath, O_RDONLY)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Writes to a file that cannot be replaced (a device, a named pipe), checking every write
    /// and the close.
    private static func writeInPlace(_ bytes: Data, to path: String) throws(FileError) {
        let descriptor = open(path, O_WRONLY)
        guard descriptor >= 0 else { throw FileError(.write, path: path, errno: errno) }
        do throws(FileError) {
            try writeAll(bytes, to: descriptor, path: path)
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw FileError(.write, path: path, errno: errno) }
    }

    private static func writeAll(_ bytes: Data, to descriptor: Int32, path: String) throws(FileError) {
        let failure: Int32? = bytes.withUnsafeBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if written == 0 { return ENOSPC }
                offset += written
            }
            return nil
        }
        if let failure { throw FileError(.write, path: path, errno: failure) }
    }
}

/// Reading a user's file (a script, a data file, a key file): only a regular file is opened,
/// so a folder or a named pipe is refused with a clear reason instead of blocking or failing
/// with a system code.
public enum RegularFile {
    /// Throws unless `path` names a regular file (after following symbolic links).
    public static func check(_ path: String) throws(FileError) {
        switch FileKind(path: path) {
        case .regular?: return
        case let kind?: throw FileError(.read, path: path, reason: kind.reason)
        case nil: throw FileError(.read, path: path, errno: errno)
        }
    }

    /// The bytes of the regular file at `path`.
    public static func read(_ path: String) throws(FileError) -> Data {
        try check(path)
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw FileError(.read, path: path, errno: errno) }
        defer { close(descriptor) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in buffer.baseAddress.map { systemRead(descriptor, $0, buffer.count) } ?? 0 }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(.read, path: path, errno: errno)
            }
            if count == 0 { return data }
            data.append(contentsOf: chunk[..<count])
        }
    }

    /// The UTF-8 text of the regular file at `path`.
    public static func readText(_ path: String) throws(FileError) -> String {
        guard let text = String(validating: try read(path), as: UTF8.self) else {
            throw FileError(.read, path: path, reason: "it is not UTF-8 text")
        }
        return text
    }
}

// The types' own `write` and `read` hide the system calls of the same names.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}

private func systemRead(_ descriptor: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(descriptor, bytes, count)
    #else
    Darwin.read(descriptor, bytes, count)
    #endif
}
