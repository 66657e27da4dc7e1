// libFuzzer target: the task YAML reader (`bf run task.yaml`) on arbitrary bytes, its
// diagnostics rendered as the terminal shows them, and the script it makes of a valid task.
// An error is a fine answer; a crash, a hang of more than the fuzzer's -timeout or a leak is
// a defect.
import Interpreter
import Language

/// Reads one input as a task file (libFuzzer's entry point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTaskYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let source = SourceFile(name: "task.yaml", text: text)
    do throws(TaskFileError) {
        let task = try TaskFile.parse(source)
        if task.script(name: "task.yaml").text.isEmpty { fatalError("a task that makes an empty script") }
    } catch {
        if error.rendered().isEmpty { fatalError("an error rendered as nothing") }
    }
    return 0
}
