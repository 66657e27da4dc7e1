import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be read or written: the path and a short lower-case reason a user can
/// act on ("is a folder", "no such file", "permission denied", "not a regular file", "no
/// space left on device").
///
/// Every layer that shows a file error builds its text from `reason`, so that no
/// `NSCocoaErrorDomain` code or raw `NSError` reaches a user.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done to the file.
    public enum Action: String, Sendable {
        case read
        case write
    }

    public let action: Action
    public let path: String
    public let reason: String

    public init(_ action: Action, path: String, reason: String) {
        self.action = action
        self.path = path
        self.reason = reason
    }

    /// The error of a failed system call on `path`, from its `errno`.
    public init(_ action: Action, path: String, errno code: Int32) {
        self.init(action, path: path, reason: Self.reason(errno: code, action: action))
    }

    /// The error of a failed Foundation or system call on `path`, whatever its type.
    public init(_ action: Action, path: String, underlying error: any Error) {
        self.init(action, path: path, reason: Self.reason(of: error, path: path, action: action))
    }

    /// "cannot write 'PATH': REASON".
    public var description: String { "cannot \(action.rawValue) '\(path)': \(reason)" }

    /// The reason for any error a file operation on `path` threw: a `FileError`'s own reason,
    /// a POSIX code (directly or under a Foundation error), a Cocoa file error, or, when the
    /// error says nothing useful, what the path itself is (a folder, a pipe).
    public static func reason(of error: any Error, path: String, action: Action) -> String {
        if let error = error as? FileError { return error.reason }
        switch FileKind(path: path) {
        case .folder?: return FileKind.folder.reason
        case let kind? where action == .read && kind != .regular && kind != .missing: return kind.reason
        default: break
        }
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return reason(errno: Int32(nsError.code), action: action) }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return reason(errno: Int32(underlying.code), action: action)
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return action == .read ? "no such file" : "its folder does not exist"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on device"
            case .fileWriteVolumeReadOnly: return "read-only file system"
            case .fileReadInapplicableStringEncoding, .fileWriteInapplicableStringEncoding: return "it is not UTF-8 text"
            case .fileReadTooLarge: return "it is too large"
            case .fileReadCorruptFile: return "it is corrupt"
            default: break
            }
        }
        return action == .read ? "it cannot be read" : "it cannot be written"
    }

    /// The reason for a system call's `errno`.
    public static func reason(errno code: Int32, action: Action) -> String {
        switch code {
        case ENOENT: return action == .read ? "no such file" : "its folder does not exist"
        case EISDIR: return "is a folder"
        case EACCES, EPERM: return "permission denied"
        case ENOSPC: return "no space left on device"
        case EDQUOT: return "disk quota exceeded"
        case EROFS: return "read-only file system"
        case ENOTDIR: return "a part of the path is not a folder"
        case ENAMETOOLONG: return "the path is too long"
        case ELOOP: return "too many symbolic links"
        case EFBIG: return "the file is too large"
        case EIO: return "input/output error"
        case EMFILE, ENFILE: return "too many open files"
        case ENXIO, ENODEV: return "not a regular file"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}

/// What a path names, as far as reading and writing user files goes.
public enum FileKind: Sendable, Equatable {
    case regular
    case folder
    /// A named pipe (FIFO): opening it blocks until another process opens its other end.
    case namedPipe
    /// A device, socket or other special file.
    case special
    /// Nothing is there.
    case missing

    /// What `path` names, following symbolic links; nil when it cannot be told (no permission
    /// on a folder of the path).
    public init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { self = .missing; return }
            return nil
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .folder
        case S_IFIFO: self = .namedPipe
        default: self = .special
        }
    }

    /// Why a file of this kind cannot be read as a user file.
    public var reason: String {
        switch self {
        case .regular: return "it is a regular file"
        case .folder: return "is a folder"
        case .namedPipe: return "not a regular file (a named pipe)"
        case .special: return "not a regular file"
        case .missing: return "no such file"
        }
    }
}
