// libFuzzer target: a pod's CSV reader (CSVSource and its CSVRecordReader) on arbitrary bytes.
// Each input is written to a file, as a pod's data would be, and loaded with the default data
// configuration: records, the header, column typing, interning and the split. An error is a
// fine answer; a crash, a hang of more than the fuzzer's -timeout or a leak is a defect.
import Federation
import Foundation

/// One file per fuzzing process, rewritten for every input.
private let path = FileManager.default.temporaryDirectory
    .appendingPathComponent("bf-fuzz-csv-\(ProcessInfo.processInfo.processIdentifier).csv")

/// Loads one input as a CSV file (libFuzzer's entry point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    guard FileManager.default.createFile(atPath: path.path, contents: bytes) else {
        fatalError("cannot write the fuzz input to \(path.path)")
    }
    do {
        let dataset = try CSVSource.load(path, table: "fuzz", config: DataConfig())
        if dataset.rowCount < 0 { fatalError("a negative row count") }
    } catch let error as any FederationError {
        if error.diagnostics.isEmpty { fatalError("an error without a message: \(error)") }
    } catch {
        fatalError("an error that is not a FederationError: \(error)")
    }
    return 0
}
