// libFuzzer target: the safetensors reader (`Safetensors.decode`) and the classifier
// checkpoint on top of it (`ClassifierCheckpoint.decode`, what `load_model` reads) on
// arbitrary bytes. An error is a fine answer; a crash, a hang of more than the fuzzer's
// -timeout or a leak is a defect.
import Learning

/// Decodes one input as a safetensors file and as a checkpoint (libFuzzer's entry point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do throws(LearningError) {
        let file = try Safetensors.decode(bytes)
        // What decodes must encode and decode to the same file.
        let again = try Safetensors.decode(Safetensors.encode(file.parameters, metadata: file.metadata))
        if again != file && file.parameters.values.allSatisfy({ !$0.isNaN }) { fatalError("a decoded file does not survive encoding") }
    } catch {
        if error.description.isEmpty { fatalError("an error rendered as nothing") }
    }
    do throws(LearningError) {
        _ = try ClassifierCheckpoint.decode(bytes)
    } catch {
        if error.description.isEmpty { fatalError("an error rendered as nothing") }
    }
    return 0
}
