import XCTest

/// The built `bf` as a user runs it: options, exit codes, standard input.
final class CommandLineTests: XCTestCase {
    private func bf(_ arguments: [String], standardInput: String? = nil, environment: [String: String] = [:]) throws -> BFRun {
        try BFBinary.locate().run(arguments, standardInput: standardInput, environment: environment)
    }

    func testVersionAndHelp() throws {
        let version = try bf(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.standardOutput.hasPrefix("0."), version.standardOutput)
        let help = try bf(["--help"])
        XCTAssertEqual(help.status, 0)
        for word in ["run", "check", "-c", "--color"] {
            XCTAssertTrue(help.standardOutput.contains(word), "--help lacks \(word)")
        }
    }

    func testUsageErrorsExit64() throws {
        let unknown = try bf(["--frobnicate"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.standardError.contains("--frobnicate"))
        let missing = try bf(["run"])
        XCTAssertEqual(missing.status, 64)
    }

    func testStatementsFromArgumentAndFromStandardInput() throws {
        let inline = try bf(["-c", "x = 2; print(x * 21)"])
        XCTAssertEqual(inline.standardOutput, "42\n")
        XCTAssertEqual(inline.status, 0)
        let piped = try bf([], standardInput: "print('piped')\n1 + 1\n")
        XCTAssertEqual(piped.standardOutput, "piped\n2\n")
        XCTAssertEqual(piped.standardError, "", "no banner or prompt when stdin is not a terminal")
        let dash = try bf(["run", "-"], standardInput: "print(3)")
        XCTAssertEqual(dash.standardOutput, "3\n")
    }

    func testExitCodesOfRunAndCheck() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bf-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func script(_ name: String, _ text: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        XCTAssertEqual(try bf(["run", try script("ok.bf", "print(1)")]).status, 0)
        XCTAssertEqual(try bf(["run", try script("syntax.bf", "print(")]).status, 65)
        XCTAssertEqual(try bf(["run", try script("runtime.bf", "1 / 0")]).status, 70)
        XCTAssertEqual(try bf(["run", directory.appendingPathComponent("absent.bf").path]).status, 74)
        XCTAssertEqual(try bf(["check", try script("check.bf", "print(nope)")]).status, 65)
        let checked = try bf(["check", try script("fine.bf", "print('not run')")])
        XCTAssertEqual(checked.status, 0)
        XCTAssertEqual(checked.standardOutput, "")
    }

    func testColourOnlyWhenAskedAndNeverWithNoColor() throws {
        let forced = try bf(["--color", "always", "-c", "nope"], environment: [:])
        XCTAssertTrue(forced.standardError.contains("\u{1B}["))
        let piped = try bf(["-c", "nope"])
        XCTAssertFalse(piped.standardError.contains("\u{1B}["))
    }
}
