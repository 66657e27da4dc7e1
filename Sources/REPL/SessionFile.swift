#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reading the scripts `:load` runs and writing the ones `:save` produces.
enum SessionFile {
    /// The UTF-8 text of the file at `path`.
    static func read(_ path: String) throws(SessionFileError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: reason(of: error))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .notText(path: path)
        }
        return text
    }

    /// Replaces the file at `path` by `text` in one step (a temporary file renamed over it), so
    /// a failure never leaves half a script.
    static func write(_ text: String, to path: String) throws(SessionFileError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unwritable(path: path, reason: reason(of: error))
        }
    }

    /// `path` with a leading `~` or `~/` replaced by `homeDirectory`.
    static func expandingTilde(in path: String, homeDirectory: String?) -> String {
        guard let homeDirectory else { return path }
        if path == "~" {
            return homeDirectory
        }
        if path.hasPrefix("~/") {
            return (homeDirectory as NSString).appendingPathComponent(String(path.dropFirst(2)))
        }
        return path
    }

    // Foundation wraps the system's errno in its own error; the errno's text says it plainly.
    private static func reason(of error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let posix = underlying, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code))).lowercased()
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file or directory"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on device"
            case .fileWriteVolumeReadOnly: return "read-only file system"
            default: break
            }
        }
        return error.localizedDescription.lowercased()
    }
}

/// Why `:load` or `:save` could not use a file.
enum SessionFileError: Error, Equatable {
    case unreadable(path: String, reason: String)
    case notText(path: String)
    case unwritable(path: String, reason: String)

    /// What went wrong, naming the file.
    var message: String {
        switch self {
        case let .unreadable(path, reason): "cannot read '\(path)': \(reason)"
        case let .notText(path): "'\(path)' is not UTF-8 text"
        case let .unwritable(path, reason): "cannot write '\(path)': \(reason)"
        }
    }

    /// What to do about it.
    var help: String {
        switch self {
        case .unreadable: "check the path; a relative path starts at '\(FileManager.default.currentDirectoryPath)'"
        case .notText: "load a .bf script saved as UTF-8"
        case .unwritable: "choose a path in a directory you can write to"
        }
    }
}
