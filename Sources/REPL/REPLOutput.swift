import CLibEdit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the REPL writes what it shows (banner, meta-command results, errors).
public protocol REPLOutput: AnyObject {
    /// Writes `text` as it is; the caller supplies newlines.
    func write(_ text: String)
}

/// Standard output, flushed after every write so the REPL's text and the engine's output (and
/// libedit's, which shares the same C stream) appear in the order they were written.
public final class StandardOutput: REPLOutput {
    /// Writes to the process's standard output.
    public init() {}

    /// Writes `text` and flushes.
    public func write(_ text: String) {
        fputs(text, bf_stdout())
        fflush(bf_stdout())
    }
}
