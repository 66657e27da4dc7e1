// libFuzzer target: the pod YAML reader (`bf pod create pod.yaml`, `load_pod_config`) on
// arbitrary bytes: YAML parsing, field names and kinds, paths and the data configuration.
// An error is a fine answer; a crash, a hang of more than the fuzzer's -timeout or a leak is
// a defect. Nothing is read from or written to the data path the input names.
import Federation
import Foundation

private let directory = URL(fileURLWithPath: "/nonexistent/bf-fuzz", isDirectory: true)

/// Reads one input as a pod's YAML file (libFuzzer's entry point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPodYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do throws(PodConfigError) {
        let spec = try PodConfigFile.parse(text, path: "pod.yaml", directory: directory, owner: "fuzz")
        if spec.name.isEmpty { fatalError("a pod without a name") }
    } catch {
        if error.problems.isEmpty || error.description.isEmpty { fatalError("an error without a message: \(error)") }
    }
    return 0
}
