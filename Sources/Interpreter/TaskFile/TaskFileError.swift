import Language

/// Why a task file cannot be run: it cannot be read, or what it says is wrong (every
/// problem found, each with its line and column in the file).
public enum TaskFileError: Error, Sendable, CustomStringConvertible {
    /// The file cannot be read.
    case cannotRead(path: String, reason: String)
    /// The file was read; these are its problems, in file order.
    case invalid(source: SourceFile, diagnostics: [Diagnostic])

    /// The problems, as bf shows errors, with the offending line of the file under each.
    public func rendered(useColor: Bool = false) -> String {
        switch self {
        case let .cannotRead(path, reason):
            return DiagnosticRenderer(useColor: useColor).render(
                Diagnostic(.error, "cannot read task file '\(path)': \(reason)", span: nil, help: "check the path"),
                in: SourceFile(name: nil, text: ""))
        case let .invalid(source, diagnostics):
            return DiagnosticRenderer(useColor: useColor).render(diagnostics, in: source)
        }
    }

    public var description: String { rendered() }
}
