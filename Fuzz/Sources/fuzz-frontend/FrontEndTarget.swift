// libFuzzer target: the front end of `bf check` on arbitrary bytes. The bytes are decoded as
// `bf` decodes a script file, parsed, checked against the standard built-ins (nothing runs,
// nothing touches a home), and every diagnostic is rendered as the terminal would show it.
// A crash, a hang of more than the fuzzer's -timeout or a leak is a defect.
import Interpreter
import Language

/// The session's output is never looked at: `check` reports through its return value.
private final class DiscardedOutput: OutputSink {
    func write(_ text: String, to stream: OutputStreamKind) {}
}

/// One session for every input: `check` does not change it, and building the built-in table
/// once keeps the executions per second on the front end itself.
nonisolated(unsafe) private let session = Session(output: DiscardedOutput())

/// Checks one input (libFuzzer's entry point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrontEnd(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let source = SourceFile(name: "fuzz.bf", text: String(decoding: bytes, as: UTF8.self))
    let diagnostics = session.check(source)
    let rendered = DiagnosticRenderer(useColor: false).render(diagnostics, in: source)
    // The rendering must say something for every diagnostic; reading it keeps it from being optimised out.
    if !diagnostics.isEmpty && rendered.isEmpty { fatalError("diagnostics rendered as nothing") }
    return 0
}
