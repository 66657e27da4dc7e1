import BFTestSupport
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files as the built `bf` reads and writes them: a failed write is never reported as a
/// success, a named pipe never blocks, a file error says what is wrong in plain words, and
/// a missing data file is an I/O error (exit 74) however it is reached.
final class FileSafetyTests: XCTestCase {
    private var environment: TestEnvironment!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
    }

    override func tearDown() {
        environment = nil
    }

    private var folder: URL { environment.directory }

    private func bf(_ arguments: [String], timeout: TimeInterval = BFBinary.defaultTimeout) throws -> BFRun {
        try BFBinary.locate().run(arguments, environment: environment.variables(), in: folder, timeout: timeout)
    }

    private func write(_ text: String, _ name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func fifo(_ name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        XCTAssertEqual(mkfifo(path, 0o600), 0, "mkfifo \(path)")
        return path
    }

    private func requireDevFull() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("this system has no /dev/full") }
    }

    /// Messages must never show Foundation's error domains or raw error dumps.
    private func assertNoInternals(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        for leak in ["Domain", "domain", "NSError", "Code=", "error 256", "error 512", "UserInfo"] {
            XCTAssertFalse(text.contains(leak), "'\(leak)' in: \(text)", file: file, line: line)
        }
    }

    private func podYAML(name: String, data: String) throws -> String {
        try write("pod_name: \(name)\ndatasource: CSVSource\ndata_config:\n  datasource_args:\n    path: \(data)\n", "\(name).yaml")
    }

    private let smallCSV = "age,hours,TARGET\n39,40,0\n50,13,1\n38,40,0\n53,40,1\n28,40,0\n37,40,1\n49,16,0\n52,45,1\n"

    func testReportIntoAFullDeviceIsAnIOErrorAndAGoodReportIsWrittenWhole() throws {
        try requireDevFull()
        let script = try write("print('hello')\n", "hello.bf")
        let full = try bf(["run", script, "--report", "/dev/full"])
        XCTAssertEqual(full.status, 74, full.standardError)
        XCTAssertTrue(full.standardError.contains("bf: cannot write the report '/dev/full': no space left on device"),
                      full.standardError)
        let page = folder.appendingPathComponent("report.html").path
        let good = try bf(["run", script, "--report", page])
        XCTAssertEqual(good.status, 0, good.standardError)
        XCTAssertTrue(try String(contentsOfFile: page, encoding: .utf8).hasSuffix("</html>\n"))
        let folderReport = try bf(["run", script, "--report", folder.path])
        XCTAssertEqual(folderReport.status, 74)
        XCTAssertTrue(folderReport.standardError.contains("cannot write the report '\(folder.path)': is a folder"),
                      folderReport.standardError)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasPrefix(".report.html") },
                       "no temporary file is left beside the report")
    }

    func testExportingAKeyToAFullDeviceIsAnIOError() throws {
        try requireDevFull()
        let run = try bf(["user", "export", "--out", "/dev/full"])
        XCTAssertEqual(run.status, 74, run.standardError)
        XCTAssertEqual(run.standardError, "error: cannot write '/dev/full': no space left on device\n"
                       + "help: choose a path in a folder you can write to\n")
        XCTAssertFalse(run.standardOutput.contains("wrote"), run.standardOutput)
        let key = folder.appendingPathComponent("me.key").path
        let good = try bf(["user", "export", "--out", key])
        XCTAssertEqual(good.status, 0, good.standardError)
        XCTAssertTrue(try String(contentsOfFile: key, encoding: .utf8).contains("ed25519: "))
    }

    func testTheREPLSaysWhenASaveOrReportFailsAndWhyWithoutInternals() throws {
        try requireDevFull()
        let pipe = try fifo("cells.bf")
        let terminal = try PseudoTerminal(executable: try BuiltProducts.executable("bf"), environment: environment.variables())
        try terminal.expect("In [1]: ")
        try terminal.send("x = 1\r")
        try terminal.expect("In [2]: ")
        try terminal.send(":save /dev/full\r")
        try terminal.expect("error: cannot write '/dev/full': no space left on device")
        try terminal.send(":report /dev/full\r")
        try terminal.expect("error: cannot write '/dev/full': no space left on device")
        try terminal.send(":save \(folder.path)\r")
        try terminal.expect("error: cannot write '\(folder.path)': is a folder")
        try terminal.send(":load \(folder.path)\r")
        try terminal.expect("error: cannot read '\(folder.path)': is a folder")
        try terminal.send(":load \(pipe)\r")
        try terminal.expect("error: cannot read '\(pipe)': not a regular file (a named pipe)")
        var seen = ""
        if FileManager.default.fileExists(atPath: "/proc/version") {
            try terminal.send(":report /proc/bf-report.html\r")
            seen = try terminal.expect("error: cannot write '/proc/bf-report.html': ")
        }
        try terminal.send(":save \(folder.path)/saved.bf\r")
        seen += try terminal.expect("saved 1 cell to")
        assertNoInternals(seen)
        try terminal.send(":quit\r")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }

    func testNamedPipesAreRefusedAtOnceAsDataAndAsScripts() throws {
        let data = try fifo("data.csv")
        let yaml = try podYAML(name: "piped", data: data)
        let create = try bf(["pod", "create", yaml], timeout: 10)
        XCTAssertFalse(create.timedOut, "bf pod create blocked on a named pipe")
        XCTAssertEqual(create.status, 74, create.standardError)
        XCTAssertTrue(create.standardError.contains("cannot open data file '\(data)': not a regular file (a named pipe)"),
                      create.standardError)

        let script = try fifo("script.bf")
        let run = try bf(["run", script], timeout: 10)
        XCTAssertFalse(run.timedOut, "bf run blocked on a named pipe")
        XCTAssertEqual(run.status, 74)
        XCTAssertTrue(run.standardError.contains("bf: cannot read '\(script)': not a regular file (a named pipe)"), run.standardError)
        XCTAssertTrue(run.standardError.contains("bf run - <"), run.standardError)
    }

    func testAMissingDataFileIsAnIOErrorFromTheCommandLineAndFromAScript() throws {
        let missing = folder.appendingPathComponent("absent.csv").path
        let create = try bf(["pod", "create", try podYAML(name: "absent", data: missing)])
        XCTAssertEqual(create.status, 74, create.standardError)
        XCTAssertTrue(create.standardError.contains("cannot open data file '\(missing)': no such file"), create.standardError)

        // A home with a pod of its own, so that the script's session does not make the demo.
        _ = try write(smallCSV, "small.csv")
        let made = try bf(["pod", "create", try podYAML(name: "small", data: "small.csv")])
        XCTAssertEqual(made.status, 0, made.standardError)
        let script = try write("""
            pod = Pod(name="absent", datasource=CSVSource("\(missing)"))
            pod.start()
            """, "absent.bf")
        let run = try bf(["run", script])
        XCTAssertEqual(run.status, 74, run.standardError)
        XCTAssertTrue(run.standardError.contains("cannot open data file '\(missing)': no such file"), run.standardError)
    }

    func testANaNInANumericColumnIsReportedWhenThePodIsCreatedAndTheColumnStaysNumeric() throws {
        let csv = smallCSV.replacingOccurrences(of: "50,13,1", with: "NaN,13,1").replacingOccurrences(of: "28,40,0", with: "inf,40,0")
        let data = try write(csv, "nan.csv")
        let create = try bf(["pod", "create", try podYAML(name: "with-nan", data: "nan.csv")])
        XCTAssertEqual(create.status, 0, create.standardError)
        XCTAssertTrue(create.standardOutput.contains("pod '"), create.standardOutput)
        XCTAssertEqual(create.standardError, """
            note: \(data): column 'age': 2 values are not finite numbers ('NaN', 'inf'); read as missing values (lines 3, 6)
            help: leave such cells empty to mark them missing, or replace them with numbers

            """)
        let schema = try bf(["-c", "get_pod_schema(\"with-nan\")"])
        XCTAssertEqual(schema.status, 0, schema.standardError)
        let ageLine = schema.standardOutput.split(separator: "\n").first { $0.hasPrefix("age") }.map(String.init) ?? ""
        XCTAssertTrue(ageLine.contains("continuous"), schema.standardOutput)
    }
}
