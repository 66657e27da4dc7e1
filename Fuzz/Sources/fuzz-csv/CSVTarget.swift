// libFuzzer target: a pod's CSV reader (CSVSource and its CSVRecordReader) on arbitrary bytes,
// loaded with the default data configuration: records, the header, column typing, interning
// and the split. The bytes are read from memory as a file's would be (no file is written per
// input), in chunks of 16 to 79 bytes chosen by the input's length, so that records, quoted
// fields and line ends span chunks as they do in files larger than the pod's 1 MiB chunk.
// An error is a fine answer; a crash, a hang of more than the fuzzer's -timeout or a leak is
// a defect.
import Federation

/// Loads one input as a CSV file (libFuzzer's entry point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let dataset = try CSVSource.load(contents: bytes, name: "fuzz.csv", table: "fuzz", config: DataConfig(),
                                         chunkSize: 16 + size % 64)
        if dataset.rowCount < 0 { fatalError("a negative row count") }
    } catch let error as any FederationError {
        if error.problems.isEmpty { fatalError("an error without a message: \(error)") }
    } catch {
        fatalError("an error that is not a FederationError: \(error)")
    }
    return 0
}
