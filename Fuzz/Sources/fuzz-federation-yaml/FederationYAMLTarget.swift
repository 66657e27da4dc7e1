// libFuzzer target: the reader of a home's `federation.yaml` (pod addresses, deadlines, TLS
// files) on arbitrary bytes. An error is a fine answer; a crash, a hang of more than the
// fuzzer's -timeout or a leak is a defect.
import Federation
import Foundation

private let directory = URL(fileURLWithPath: "/nonexistent/bf-fuzz-home", isDirectory: true)

/// Reads one input as a federation file (libFuzzer's entry point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFederationYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do throws(PodConfigError) {
        let file = try FederationFile.parse(text, path: "federation.yaml", directory: directory)
        for entry in file.pods where file.entry(named: entry.name) == nil {
            fatalError("pod '\(entry.name)' is listed but not found by name")
        }
    } catch {
        if error.problems.isEmpty || error.description.isEmpty { fatalError("an error without a message: \(error)") }
    }
    return 0
}
