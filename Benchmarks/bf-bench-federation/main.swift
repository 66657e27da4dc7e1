import Federation
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The benchmark driver of the Federation layer (see scripts/bench/load).
///
///     bf-bench-federation generate FILE [ROWS]   write synthetic census rows (default 45,222)
///     bf-bench-federation load FILE [RUNS]       load FILE as a pod's table RUNS times (default 1)
///     bf-bench-federation baseline               do nothing, to measure the process's own memory
///     bf-bench-federation demo HOME              create the demo federation in HOME
enum BenchCommand {
    static func run(_ arguments: [String]) throws -> Int32 {
        switch (arguments.first, arguments.count) {
        case ("generate", 2), ("generate", 3):
            let rows = arguments.count == 3 ? Int(arguments[2]) ?? DemoFederation.rowCount : DemoFederation.rowCount
            try DemoFederation.writeCensusCSV(rowCount: rows, seed: DemoFederation.seed,
                                              to: URL(fileURLWithPath: arguments[1]))
            print("wrote \(rows) rows to \(arguments[1])")
        case ("load", 2), ("load", 3):
            try load(URL(fileURLWithPath: arguments[1]), runs: arguments.count == 3 ? Int(arguments[2]) ?? 1 : 1)
        case ("baseline", 1):
            print("baseline")
        case ("demo", 2):
            let hub = try Hub(home: URL(fileURLWithPath: arguments[1]))
            let demo = try DemoFederation.create(hub: hub, owner: try hub.identity(named: "demo"))
            for pod in demo.pods { print("\(pod.identifier)  \(pod.rowCount) rows") }
        default:
            FileHandle.standardError.write(Data("""
                usage: bf-bench-federation generate FILE [ROWS] | load FILE [RUNS] | baseline | demo HOME

                """.utf8))
            return 64
        }
        return 0
    }

    /// Loads `file` with tutorial 1's configuration `runs` times and reports
    /// the wall-clock and CPU time of each run and their medians.
    static func load(_ file: URL, runs: Int) throws {
        let table = "census-income-demo"
        let config = DataConfig(
            ignoreColumns: ["fnlwgt"],
            forceStypes: [table: ForcedTypes(categorical: ["TARGET", "workclass", "marital-status", "occupation",
                                                          "relationship", "race", "native-country", "gender",
                                                          "education"])],
            seed: 100)
        var wall: [Double] = []
        var cpu: [Double] = []
        var rows = 0
        for _ in 0..<max(runs, 1) {
            let wallStart = clock_gettime_nsec_np_portable(CLOCK_MONOTONIC)
            let cpuStart = clock_gettime_nsec_np_portable(CLOCK_PROCESS_CPUTIME_ID)
            let dataset = try CSVSource.load(file, table: table, config: config)
            cpu.append(Double(clock_gettime_nsec_np_portable(CLOCK_PROCESS_CPUTIME_ID) - cpuStart) / 1e6)
            wall.append(Double(clock_gettime_nsec_np_portable(CLOCK_MONOTONIC) - wallStart) / 1e6)
            rows = dataset.schema.rowCount
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func list(_ values: [Double]) -> String { values.map { String(format: "%.1f", $0) }.joined(separator: " ") }
        print("rows \(rows)")
        print("wall ms: \(list(wall))  median \(String(format: "%.1f", median(wall)))")
        print("cpu  ms: \(list(cpu))  median \(String(format: "%.1f", median(cpu)))")
    }

    static func clock_gettime_nsec_np_portable(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

do {
    exit(try BenchCommand.run(Array(CommandLine.arguments.dropFirst())))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
