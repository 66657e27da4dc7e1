import BFTestSupport
import Federation
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One bf home used by several `bf` processes at once, and by processes killed with SIGKILL
/// at arbitrary moments of their writes: the home must stay whole, and the next command must
/// work on it.
final class HomeConcurrencyTests: XCTestCase {
    private var environment: TestEnvironment!
    private var binary: BFBinary!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
        binary = try BFBinary.locate()
        // A small pod's data: 120 rows, a categorical target and two inputs.
        var rows = ["age,colour,TARGET"]
        for row in 0..<120 { rows.append("\(20 + row % 50),\(["red", "green", "blue"][row % 3]),\(row % 7 < 3 ? "yes" : "no")") }
        try (rows.joined(separator: "\n") + "\n").write(to: dataFile, atomically: true, encoding: .utf8)
    }

    override func tearDown() {
        environment = nil
    }

    private var home: URL { environment.directory.appendingPathComponent(".bf") }
    private var dataFile: URL { environment.directory.appendingPathComponent("small.csv") }

    /// The YAML file of a pod `name` on the small data, written on first use.
    private func podFile(_ name: String) throws -> String {
        let file = environment.directory.appendingPathComponent("\(name).yaml")
        try """
            pod_name: \(name)
            datasource: CSVSource
            data_config:
              force_stypes:
                \(name):
                  categorical: [colour, TARGET]
              datasource_args:
                path: \(dataFile.path)
            """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    private func bf(_ arguments: [String], user: String = "carol", timeout: TimeInterval = 120) throws -> BFRun {
        try binary.run(["--user", user] + arguments, environment: environment.variables(), in: environment.directory, timeout: timeout)
    }

    /// A short training on the demo's two tutorial pods.
    private static let training = """
        model = PyTorchTabularClassifier(datastructure=DataStructure(target="TARGET"),
            schema=combine_pod_schemas(["census-income-demo", "census-income-yaml-demo"]),
            epochs=1, batch_size=256, hidden_layers=[8])
        results = model.fit(pod_identifiers=["census-income-demo", "census-income-yaml-demo"])
        print("trained", len(results), "rounds")
        """

    /// Runs `commands` (each a list of bf invocations run one after another) side by side,
    /// each list in its own thread; every run's result, by list.
    private func concurrently(_ commands: [[[String]]]) -> [[Result<BFRun, any Error>]] {
        let results = RunsByList(count: commands.count)
        let (binary, variables, directory) = (binary!, environment.variables(), environment.directory)
        let group = DispatchGroup()
        for (index, list) in commands.enumerated() {
            DispatchQueue.global().async(group: group) {
                for arguments in list {
                    results.append(Result { try binary.run(["--user", "carol"] + arguments, environment: variables, in: directory, timeout: 300) },
                                   to: index)
                }
            }
        }
        group.wait()
        return results.all
    }

    /// The checks that the home works: its store is sound, every pod is listed, and a task
    /// (a query at one of `pods`) runs on it.
    private func assertHomeWorks(pods: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let list = try bf(["pod", "list"])
        XCTAssertEqual(list.status, 0, list.standardError, file: file, line: line)
        for pod in pods {
            XCTAssertTrue(list.standardOutput.contains(pod), "\(pod) is not listed:\n\(list.standardOutput)", file: file, line: line)
        }
        let check = try bf(["-c", "print(SqlQuery(\"SELECT COUNT(*) AS n FROM df\").execute([\"\(pods[0])\"]).rows)"])
        XCTAssertEqual(check.status, 0, check.standardError, file: file, line: line)
        XCTAssertFalse(check.standardOutput.isEmpty, file: file, line: line)
    }

    func testTwoProcessesCreateGrantAndTrainOnOneHomeAtOnce() throws {
        // Dana, of another machine, sends her key; both processes import it with their grants.
        let danaHome = environment.directory.appendingPathComponent("dana-home")
        let key = environment.directory.appendingPathComponent("dana.key")
        let exported = try binary.run(["--user", "dana", "user", "export", "--out", key.path], environment: ["BF_HOME": danaHome.path])
        XCTAssertEqual(exported.status, 0, exported.standardError)
        // All three start on an empty home, so each creates carol's key and the store if it
        // is first; the third builds the demo federation meanwhile and trains on it.
        let first: [[String]] = try (1...3).flatMap { index in
            [["pod", "create", try podFile("first-\(index)")],
             ["pod", "grant", "first-\(index)", "general_modeller", "dana", "--key", key.path]]
        }
        let second: [[String]] = try (1...3).flatMap { index in
            [["pod", "create", try podFile("second-\(index)")],
             ["pod", "grant", "second-\(index)", "general_modeller", "dana", "--key", key.path]]
        }
        let training: [[String]] = [["demo"], ["-c", Self.training], ["-c", Self.training]]
        let results = concurrently([first, second, training])
        for (list, runs) in zip([first, second, training], results) {
            for (arguments, run) in zip(list, runs) {
                let outcome = try run.get()
                XCTAssertEqual(outcome.status, 0, "bf \(arguments.joined(separator: " ")):\n\(outcome.standardOutput)\n\(outcome.standardError)")
                XCTAssertFalse(outcome.standardError.contains("database is locked"), outcome.standardError)
            }
        }
        let pods = (1...3).flatMap { ["first-\($0)", "second-\($0)"] }
        try assertHomeWorks(pods: pods)
        // Dana holds each granted role; the demo was built once.
        let hub = try Hub(home: home)
        for pod in pods {
            XCTAssertEqual(try hub.roles(of: "dana", on: PodIdentifier(owner: "carol", name: pod)), [.generalModeller], pod)
        }
        let demo = try bf(["pod", "list"]).standardOutput.components(separatedBy: "census-income-yaml-demo ").count - 1
        XCTAssertEqual(demo, 1, "the demo federation was built more than once")
    }

    func testTwoSessionsOpeningANewHomeAtOnceBuildTheDemoOnce() throws {
        let script = "print(len(combine_pod_schemas([\"census-income-demo\", \"census-income-yaml-demo\"]).columns))"
        let runs = concurrently([[["-c", script]], [["-c", script]]]).joined().map { try? $0.get() }
        for run in runs {
            XCTAssertEqual(run?.status, 0, run?.standardError ?? "not run")
            XCTAssertFalse(run?.standardError.contains("incomplete") ?? true, run?.standardError ?? "")
        }
        XCTAssertEqual(runs.filter { $0?.standardError.contains("creating the demo federation") == true }.count, 1,
                       runs.map { $0?.standardError ?? "" }.joined(separator: "\n---\n"))
    }

    /// Starts `bf arguments` and kills it with SIGKILL after `delay` seconds (or when it ends).
    private func killed(_ arguments: [String], after delay: TimeInterval) throws {
        let process = Process()
        process.executableURL = binary.url
        process.arguments = ["--user", "carol"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment.variables()) { _, given in given }
        process.currentDirectoryURL = environment.directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(delay)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func testKillNineDuringPodCreationAndTrainingLeavesAHomeThatWorks() throws {
        let made = try bf(["demo"])
        XCTAssertEqual(made.status, 0, made.standardError)
        // The time a pod creation takes here, to spread the kills over it.
        let started = Date()
        XCTAssertEqual(try bf(["pod", "create", try podFile("timed")]).status, 0)
        let creation = Date().timeIntervalSince(started)

        var generator = SystemRandomNumberGenerator()
        for attempt in 0..<8 {
            let delay = creation * Double(attempt) / 7 + Double.random(in: 0..<0.02, using: &generator)
            try killed(["pod", "create", try podFile("victim-\(attempt)")], after: delay)
            // The pod exists whole or not at all: creating it again either works or says it exists.
            let again = try bf(["pod", "create", try podFile("victim-\(attempt)")])
            XCTAssertTrue(again.status == 0 || again.standardError.contains("exists already"),
                          "after a kill at \(delay) s: \(again.standardError)")
            try assertHomeWorks(pods: ["victim-\(attempt)"])
        }
        for attempt in 0..<4 {
            try killed(["-c", Self.training], after: 0.3 + Double(attempt) * 0.7 + Double.random(in: 0..<0.2, using: &generator))
        }
        let training = try bf(["-c", Self.training], timeout: 300)
        XCTAssertEqual(training.status, 0, training.standardError)
        XCTAssertTrue(training.standardOutput.contains("trained 1 rounds"), training.standardOutput)
        try assertHomeWorks(pods: ["census-income-demo", "timed"])
        let integrity = try bf(["-c", "print(1)"])
        XCTAssertEqual(integrity.status, 0, integrity.standardError)
    }
}

/// The runs of several lists of commands, filled from several threads.
private final class RunsByList: @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [[Result<BFRun, any Error>]]

    init(count: Int) { runs = Array(repeating: [], count: count) }

    func append(_ run: Result<BFRun, any Error>, to list: Int) {
        lock.lock()
        defer { lock.unlock() }
        runs[list].append(run)
    }

    var all: [[Result<BFRun, any Error>]] {
        lock.lock()
        defer { lock.unlock() }
        return runs
    }
}
