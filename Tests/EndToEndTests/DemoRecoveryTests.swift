import BFTestSupport
import Federation
import Foundation
import XCTest

/// A demo federation that a killed session left half-built is finished by the next session,
/// and tutorial 5's first steps work on it.
final class DemoRecoveryTests: XCTestCase {
    private var environment: TestEnvironment!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
    }

    override func tearDown() {
        environment = nil
    }

    private var home: URL { environment.directory.appendingPathComponent(".bf") }

    private func bf(_ arguments: [String], timeout: TimeInterval = 120) throws -> BFRun {
        try BFBinary.locate().run(arguments, environment: environment.variables(), in: environment.directory, timeout: timeout)
    }

    /// Tutorial 5's permission and data-structure steps, and alice's role from the demo's last step.
    private func assertTutorialFiveStarts(file: StaticString = #filePath, line: UInt = #line) throws -> BFRun {
        let steps = try bf(["-c", """
            check_access(["census-income-demo", "census-income-yaml-demo"], task="train", aggregator="secure")
            schema = combine_pod_schemas(["census-income-demo", "census-income-yaml-demo"])
            print(schema.rows)
            check_access(["census-income-demo", "census-income-unapproved"], task="train", aggregator="secure")
            """])
        XCTAssertEqual(steps.status, 0, steps.standardError, file: file, line: line)
        XCTAssertTrue(steps.standardOutput.contains("45222"), steps.standardOutput, file: file, line: line)
        XCTAssertTrue(steps.standardOutput.contains("census-income-unapproved"), steps.standardOutput, file: file, line: line)
        let alice = try bf(["pod", "list", "--user", "alice"])
        XCTAssertEqual(alice.status, 0, alice.standardError, file: file, line: line)
        XCTAssertTrue(alice.standardOutput.split(separator: "\n").contains { $0.contains("census-income-demo ") && $0.contains("general_modeller") },
                      alice.standardOutput, file: file, line: line)
        return steps
    }

    func testAHalfBuiltDemoIsFinishedByTheNextSession() throws {
        let made = try bf(["demo"])
        XCTAssertEqual(made.status, 0, made.standardError)
        // What a kill after the second pod leaves: no marker, two pods and alice's role missing.
        let hub = try Hub(home: home)
        let pods = try hub.podDescriptions()
        let owner = try hub.identity(named: try XCTUnwrap(pods.first).owner)
        try FileManager.default.removeItem(at: DemoFederation.markerFile(in: home))
        for pod in pods where ["census-income-other", "census-income-unapproved"].contains(pod.identifier.name) {
            try hub.removePod(pod.identifier, by: owner)
        }
        let main = try XCTUnwrap(pods.first { $0.identifier.name == "census-income-demo" })
        try hub.revoke(.generalModeller, from: DemoFederation.secondUser, on: main.identifier, by: owner)

        let steps = try assertTutorialFiveStarts()
        XCTAssertTrue(steps.standardError.contains("is incomplete (a session stopped while creating it); creating it again"),
                      steps.standardError)
        XCTAssertEqual(try DemoFederation.state(of: try Hub(home: home)), .complete)
    }

    /// Starts a session on the home, waits until the demo's YAML file appears (its files are
    /// written; its pods are registered next), waits `delay` more and kills the session.
    private func killWhileRegisteringPods(after delay: TimeInterval) throws {
        let process = Process()
        process.executableURL = try BFBinary.locate().url
        process.arguments = ["-c", "pods \"census-income-demo\""]
        process.environment = ProcessInfo.processInfo.environment.merging(environment.variables()) { _, given in given }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let yaml = DemoFederation.directory(in: home).appendingPathComponent("census-income-yaml-demo.yaml").path
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: yaml) && process.isRunning && Date() < deadline {
            usleep(5_000)
        }
        usleep(UInt32(delay * 1_000_000))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func testSessionsKilledWhileRegisteringTheDemosPodsLeaveAHomeTheNextSessionCompletes() throws {
        // Kills at different points of the pods' registration, each on the home the last left.
        var states: [DemoFederation.State] = []
        for delay in [0.05, 0.3, 0.6] {
            try killWhileRegisteringPods(after: delay)
            states.append(try DemoFederation.state(of: try Hub(home: home)))
            try FileManager.default.removeItem(at: DemoFederation.directory(in: home)
                .appendingPathComponent("census-income-yaml-demo.yaml"))
        }
        XCTAssertTrue(states.contains(.incomplete), "no kill landed inside the demo's build: \(states)")
        let steps = try assertTutorialFiveStarts()
        XCTAssertFalse(steps.standardError.contains("error"), steps.standardError)
    }
}
