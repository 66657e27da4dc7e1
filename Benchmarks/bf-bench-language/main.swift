// Benchmark driver: parse throughput of the bf parser on one file, in-process (no start-up,
// no file reading in the timing). Used by scripts/bench/parse.
//   bf-bench-language FILE [RUNS]
import Foundation
import Language

let arguments = CommandLine.arguments
guard arguments.count >= 2, let text = try? String(contentsOfFile: arguments[1], encoding: .utf8) else {
    FileHandle.standardError.write(Data("usage: bf-bench-language FILE [RUNS]\n".utf8))
    exit(64)
}
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
let source = SourceFile(name: arguments[1], text: text)
let verbs: Set<String> = ["pods", "datastructure", "combine_schemas", "train", "evaluate"]
var seconds: [Double] = []
var statementCount = 0
for _ in 0...runs {
    let clock = ContinuousClock()
    let start = clock.now
    let result = Parser.parse(source, verbs: verbs)
    let elapsed = start.duration(to: clock.now)
    statementCount = result.statements.count
    if !result.diagnostics.isEmpty {
        FileHandle.standardError.write(Data("the file has \(result.diagnostics.count) syntax errors\n".utf8))
        exit(65)
    }
    seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}
seconds.removeFirst()  // warm-up
seconds.sort()
let megabytes = Double(source.bytes.count) / 1e6
let median = seconds[seconds.count / 2]
print(String(format: "parser: %.1f MB, %d statements: median %.0f ms (min %.0f, max %.0f) -> %.1f MB/s",
             megabytes, statementCount, median * 1000, seconds[0] * 1000, seconds[seconds.count - 1] * 1000, megabytes / median))
