import Diagnostics
import Files
import Foundation

/// Reading the scripts `:load` runs and writing the ones `:save` produces.
enum SessionFile {
    /// The UTF-8 text of the file at `path`.
    /// Only a regular file is opened, so a named pipe never blocks the REPL.
    static func read(_ path: String) throws(SessionFileError) -> String {
        let data: Data
        do throws(FileError) {
            data = try RegularFile.read(path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .notText(path: path)
        }
        return text
    }

    /// Replaces the file at `path` by `text` in one step (`AtomicFile`), so a failure never
    /// leaves half a script and is always reported.
    static func write(_ text: String, to path: String) throws(SessionFileError) {
        do throws(FileError) {
            try AtomicFile.write(text, to: path)
        } catch {
            throw .unwritable(path: path, reason: error.reason)
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
}

/// Why `:load` or `:save` could not use a file.
enum SessionFileError: ProblemError, Equatable {
    case unreadable(path: String, reason: String)
    case notText(path: String)
    case unwritable(path: String, reason: String)

    var problems: [Problem] {
        switch self {
        case let .unreadable(path, reason):
            [Problem("cannot read '\(path)': \(reason)",
                     help: "check the path; a relative path starts at '\(FileManager.default.currentDirectoryPath)'")]
        case let .notText(path):
            [Problem("'\(path)' is not UTF-8 text", help: "load a .bf script saved as UTF-8")]
        case let .unwritable(path, reason):
            [Problem("cannot write '\(path)': \(reason)", help: "choose a path in a folder you can write to")]
        }
    }
}
