#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import Interpreter

/// Standard input, output and error by file descriptor. (The C library's `stdout` and
/// `stderr` are mutable globals, which Swift 6 rightly refuses to share.)
enum Console {
    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    static func error(_ text: String) { write(text, to: STDERR_FILENO) }

    /// Writes an error's problems to standard error as bf prints errors: `error: ` before
    /// each message, its notes indented, then its help.
    static func error(_ error: any ProblemError) {
        Console.error(error.problems.map { "error: " + $0.description }.joined(separator: "\n") + "\n")
    }

    /// Writes one line to standard output at once (unbuffered, so a reader sees it now).
    static func line(_ text: String) { write(text + "\n", to: STDOUT_FILENO) }

    /// Reads a file descriptor to its end.
    static func readAll(from descriptor: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }
}

/// The session's sink for the real standard output and error.
final class StandardStreams: OutputSink {
    func write(_ text: String, to stream: OutputStreamKind) {
        Console.write(text, to: stream == .standardOutput ? STDOUT_FILENO : STDERR_FILENO)
    }
}
