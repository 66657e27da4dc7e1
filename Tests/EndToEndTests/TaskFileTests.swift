import BFTestSupport
import Foundation
import XCTest

/// `bf run task.yaml` as a user runs it: the tutorial's task file trains; a broken file is
/// exit 65 with its problems, a missing one exit 74.
final class TaskFileCommandTests: XCTestCase {
    private static let tutorials = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/tutorials")

    func testTutorialFourTaskFileRunsOnAFreshHome() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-taskfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let task = Self.tutorials.appendingPathComponent("04_training_from_a_task_yaml.yaml").path
        let run = try BFBinary.locate().run(["run", task], environment: ["BF_HOME": home.appendingPathComponent(".bf").path],
                                            in: home, timeout: 300)
        XCTAssertEqual(run.status, 0, run.standardError)
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("training on ") && $0.contains("2 rounds of 1 epoch at each pod") }, run.standardOutput)
        XCTAssertEqual(lines.filter { $0.hasPrefix("round ") && $0.contains("AUC 0.") }.count, 2)
        XCTAssertTrue(lines.contains("task complete"))
    }

    func testTheTwoPodTaskFileChecksClean() throws {
        let task = Self.tutorials.appendingPathComponent("05_task_two_pods.yaml").path
        let check = try BFBinary.locate().run(["check", task])
        XCTAssertEqual(check.status, 0, check.standardError)
        XCTAssertEqual(check.standardError, "")
    }

    func testBrokenAndMissingTaskFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bf-taskfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.yml")
        try "pods:\n  identifers: [a]\n".write(to: broken, atomically: true, encoding: .utf8)
        let bad = try BFBinary.locate().run(["run", broken.path])
        XCTAssertEqual(bad.status, 65)
        XCTAssertTrue(bad.standardError.contains("broken.yml:2:3: error: unknown field 'pods.identifers'"), bad.standardError)
        XCTAssertTrue(bad.standardError.contains("help: did you mean 'identifiers'?"), bad.standardError)
        XCTAssertTrue(bad.standardError.contains("error: the required field 'task' is missing"), bad.standardError)
        XCTAssertEqual(try BFBinary.locate().run(["check", broken.path]).status, 65)

        let missing = try BFBinary.locate().run(["run", folder.appendingPathComponent("absent.yaml").path])
        XCTAssertEqual(missing.status, 74)
        XCTAssertTrue(missing.standardError.contains("cannot read"), missing.standardError)
    }
}
