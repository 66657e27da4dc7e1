import BFTestSupport
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    func testAMisspeltCommandGetsTheCommandMeant() throws {
        let tutorial = try bf(["tutorail", "5"])
        XCTAssertEqual(tutorial.status, 64)
        XCTAssertEqual(tutorial.standardError, """
            error: unknown command 'bf tutorail'
            help: did you mean 'bf tutorial'? the commands here are 'run', 'check', 'tutorial', 'pod', 'relay', 'user', 'demo', 'jupyter', 'kernel', 'privacy'

            """)
        let nested = try bf(["--user", "alice", "pod", "lst"])
        XCTAssertEqual(nested.status, 64)
        XCTAssertTrue(nested.standardError.hasPrefix("error: unknown command 'bf pod lst'\nhelp: did you mean 'bf pod list'?"),
                      nested.standardError)
        // A word near no command, and a script named like a command, are left to the parser.
        XCTAssertEqual(try bf(["frobnicate"]).status, 64)
        XCTAssertEqual(try bf(["-c", "print('pod')"]).standardOutput, "pod\n")
    }

    /// OpenBLAS is loaded when the first model is built: a command that trains nothing does no
    /// BLAS work at start-up (the loader's own log shows which libraries a run loads).
    func testStartUpDoesNotLoadOpenBLAS() throws {
        let run = try bf(["-c", "print(1)"], environment: ["LD_DEBUG": "libs"])
        XCTAssertEqual(run.standardOutput, "1\n")
        XCTAssertTrue(run.standardError.contains("libc.so"), "the loader's log names the libraries: \(run.standardError.prefix(500))")
        XCTAssertFalse(run.standardError.contains("libopenblas"), "print(1) loaded OpenBLAS")
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

    func testPrivacyEpsilonAndNoise() throws {
        // dp_accounting 0.6.0's RdpAccountant gives 5.632010670081592 at order 4.7 here.
        let spent = try bf(["privacy", "epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "1.1",
                            "--steps", "10000", "--delta", "1e-5", "--json"])
        XCTAssertEqual(spent.status, 0, spent.standardError)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(spent.standardOutput.utf8)) as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(object["epsilon"] as? Double), 5.632010670081592, accuracy: 1e-9)
        XCTAssertEqual(object["order"] as? Double, 4.7)
        XCTAssertEqual(object["steps"] as? Int, 10000)

        // 10 epochs of 60000 rows in batches of 256: 2343 steps, as Opacus counts them.
        let noise = try bf(["privacy", "noise", "--epsilon", "3", "--delta", "1e-5", "--batch-size", "256", "--rows", "60000",
                            "--epochs", "10"])
        XCTAssertEqual(noise.status, 0, noise.standardError)
        XCTAssertTrue(noise.standardOutput.hasPrefix("noise multiplier 0.7421 (smallest: 0.742003"), noise.standardOutput)
        XCTAssertTrue(noise.standardOutput.contains("after 2343 steps (10 epochs)"), noise.standardOutput)

        let outside = try bf(["privacy", "epsilon", "--sampling-rate", "1.5", "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5"])
        XCTAssertEqual(outside.status, 64)
        XCTAssertEqual(outside.standardOutput, "")
        XCTAssertTrue(outside.standardError.hasPrefix("error: sampling rate 1.5 is outside 0 to 1"), outside.standardError)
        XCTAssertTrue(outside.standardError.contains("\nhelp: "), outside.standardError)
        let both = try bf(["privacy", "noise", "--epsilon", "3", "--delta", "1e-5", "--sampling-rate", "0.01", "--steps", "10",
                           "--epochs", "2"])
        XCTAssertEqual(both.status, 64)
        XCTAssertEqual(both.standardError, "error: give --steps or --epochs, not both\nhelp: --epochs E counts E × rows / batch size steps\n")
    }

    func testColourOnlyWhenAskedAndNeverWithNoColor() throws {
        let forced = try bf(["--color", "always", "-c", "nope"], environment: [:])
        XCTAssertTrue(forced.standardError.contains("\u{1B}["))
        let piped = try bf(["-c", "nope"])
        XCTAssertFalse(piped.standardError.contains("\u{1B}["))
    }

    func testPodCommandsOnAScratchHome() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-pods-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = ["BF_HOME": home.path, "BF_USER": "owner"]
        let demo = try bf(["demo"], environment: environment)
        XCTAssertEqual(demo.status, 0, demo.standardError)
        XCTAssertTrue(demo.standardOutput.contains("owner/census-income-yaml-demo"))

        let yaml = home.appendingPathComponent("demo/census-income-yaml-demo.yaml")
        let text = try String(contentsOf: yaml, encoding: .utf8)
        let copy = home.appendingPathComponent("copy.yaml")
        try text.replacingOccurrences(of: "pod_name: census-income-yaml-demo", with: "pod_name: census-copy")
            .replacingOccurrences(of: "    census-income-yaml-demo:", with: "    census-copy:")
            .replacingOccurrences(of: "path: census-income-yaml-demo.csv", with: "path: demo/census-income-yaml-demo.csv")
            .write(to: copy, atomically: true, encoding: .utf8)
        let created = try bf(["pod", "create", copy.path], environment: environment)
        XCTAssertEqual(created.status, 0, created.standardError)
        XCTAssertEqual(created.standardOutput, "pod 'owner/census-copy' is ready: 22611 rows\n")

        let typo = home.appendingPathComponent("typo.yaml")
        try text.replacingOccurrences(of: "pod_name:", with: "pod_nme:").write(to: typo, atomically: true, encoding: .utf8)
        let refused = try bf(["pod", "create", typo.path], environment: environment)
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.standardError.contains("pod_nme"), refused.standardError)
        XCTAssertTrue(refused.standardError.contains("did you mean 'pod_name'?"), refused.standardError)

        XCTAssertEqual(try bf(["pod", "grant", "census-copy", "general_modeller", "alice"], environment: environment).status, 0)
        let alice = try bf(["pod", "list", "--user", "alice"], environment: environment)
        XCTAssertTrue(alice.standardOutput.contains("owner/census-copy"), alice.standardOutput)
        let notOwner = try bf(["pod", "grant", "census-copy", "super_modeller", "alice", "--user", "alice"], environment: environment)
        XCTAssertEqual(notOwner.status, 65)
        XCTAssertTrue(notOwner.standardError.hasPrefix("error: "), notOwner.standardError)

        // 'bf pod privacy' without options shows the limits; with them, it sets them.
        XCTAssertEqual(try bf(["pod", "privacy", "census-copy"], environment: environment).standardOutput,
                       "owner/census-copy has no privacy limits; its tasks have spent ε 0 in all\n")
        let limited = try bf(["pod", "privacy", "census-copy", "--epsilon", "2", "--max-epsilon-total", "6", "--delta", "1e-5"],
                             environment: environment)
        XCTAssertEqual(limited.standardOutput, "owner/census-copy now limits differentially private training: ε up to 2 a task, 6 in all; δ up to 1e-05\n",
                       limited.standardError)
        XCTAssertEqual(try bf(["pod", "privacy", "census-copy"], environment: environment).standardOutput,
                       "owner/census-copy limits differentially private training: ε up to 2 a task, 6 in all; δ up to 1e-05; its tasks have spent ε 0 in all\n")
        XCTAssertEqual(try bf(["pod", "privacy", "census-copy", "--off"], environment: environment).standardOutput,
                       "owner/census-copy has no privacy limits now\n")
        XCTAssertEqual(try bf(["pod", "privacy", "census-copy", "--user", "alice"], environment: environment).status, 65)
    }

    func testEveryFileInTheHomeIsPrivateWhateverTheUmask() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bf-private-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let home = scratch.appendingPathComponent(".bf")
        let environment = ["BF_HOME": home.path, "BF_USER": "owner"]
        let previous = umask(0)
        defer { umask(previous) }
        let script = """
            pods = ["census-income-demo"]
            model = PyTorchTabularClassifier(datastructure=DataStructure(target="TARGET", table={"census-income-demo": "census-income-demo"}),
                                             schema=combine_pod_schemas(pods), epochs=1, batch_size=256, hidden_layers=[4])
            results = model.fit(pod_identifiers=pods)
            model.serialize(Path("\(home.path)/model.pt"))
            """
        let run = try BFBinary.locate().run(["run", "-", "--report", home.appendingPathComponent("report.html").path],
                                            standardInput: script, environment: environment, in: scratch, timeout: 300)
        XCTAssertEqual(run.status, 0, run.standardError)

        var found: [String] = []
        for case let relative as String in try XCTUnwrap(FileManager.default.enumerator(atPath: home.path)) {
            let attributes = try FileManager.default.attributesOfItem(atPath: home.appendingPathComponent(relative).path)
            let mode = try XCTUnwrap(attributes[.posixPermissions] as? Int)
            let folder = attributes[.type] as? FileAttributeType == .typeDirectory
            XCTAssertEqual(mode, folder ? 0o700 : 0o600, "\(relative) has mode \(String(mode, radix: 8))")
            found.append(relative)
        }
        for name in ["hub.sqlite", "users/owner/ed25519.key", "demo", "model.pt", "report.html"] {
            XCTAssertTrue(found.contains(name), "\(name) is missing from \(found.sorted())")
        }
        let homeMode = try FileManager.default.attributesOfItem(atPath: home.path)[.posixPermissions] as? Int
        XCTAssertEqual(homeMode, 0o700)
    }

    func testAPodWithAMinimumGroupSizeBelowOneIsRefused() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-minimum-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = ["BF_HOME": home.path, "BF_USER": "owner"]
        XCTAssertEqual(try bf(["demo"], environment: environment).status, 0)
        let text = try String(contentsOf: home.appendingPathComponent("demo/census-income-yaml-demo.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "pod_name: census-income-yaml-demo", with: "pod_name: census-copy")
            .replacingOccurrences(of: "    census-income-yaml-demo:", with: "    census-copy:")
            .replacingOccurrences(of: "path: census-income-yaml-demo.csv", with: "path: demo/census-income-yaml-demo.csv")
        let base = text.hasSuffix("\n") ? text : text + "\n"
        let line = base.split(separator: "\n", omittingEmptySubsequences: false).count
        let file = home.appendingPathComponent("zero.yaml")
        try (base + "minimum_group_size: 0\n").write(to: file, atomically: true, encoding: .utf8)
        let refused = try bf(["pod", "create", file.path], environment: environment)
        XCTAssertEqual(refused.status, 65)
        XCTAssertEqual(refused.standardError,
                       "error: \(file.path):\(line):21: 'minimum_group_size' must be a whole number of at least 1, not 0\n"
                       + "help: give 'minimum_group_size' a whole number of at least 1\n")
        let listed = try bf(["pod", "list"], environment: environment)
        XCTAssertFalse(listed.standardOutput.contains("census-copy"), listed.standardOutput)
    }

    func testTutorialFiveRunsOnAFreshHome() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-tutorial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/tutorials/05_training_a_model_on_two_pods.bf").path
        let run = try BFBinary.locate().run(["run", script], environment: ["BF_HOME": home.appendingPathComponent(".bf").path],
                                            in: home, timeout: 300)
        XCTAssertEqual(run.status, 0, run.standardError)
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        for expected in ["  \(NSUserName())/census-income-demo accepted", "  \(NSUserName())/census-income-yaml-demo accepted",
                         "task complete", "saved the model to part_5_model.pt"] {
            XCTAssertTrue(lines.contains(expected), "missing '\(expected)' in:\n\(run.standardOutput)")
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("training on ") && $0.contains("2 rounds of 1 epoch at each pod, secure aggregation") })
        XCTAssertEqual(lines.filter { $0.hasPrefix("round ") && $0.contains("AUC 0.") }.count, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home.appendingPathComponent("part_5_model.pt").path))
        XCTAssertTrue(run.standardError.contains("note: import lines are accepted and ignored"))
    }

    func testRunWritesTheScriptAsANotebook() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bf-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("s.bf").path
        try "x = 6 * 7\nprint('<', x)\nx / 0\n".write(toFile: script, atomically: true, encoding: .utf8)
        let html = directory.appendingPathComponent("r.html").path
        let run = try bf(["run", script, "--report", html])
        XCTAssertEqual(run.status, 70)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(page.contains("In [1]:") && page.contains("In [2]:") && page.contains("In [3]:"))
        XCTAssertTrue(page.contains("&lt; 42"), "output, escaped")
        XCTAssertTrue(page.contains("division by zero"), "the error is part of its cell")
        let markdown = directory.appendingPathComponent("r.md").path
        XCTAssertEqual(try bf(["run", script, "--report", markdown]).status, 70)
        let text = try String(contentsOfFile: markdown, encoding: .utf8)
        XCTAssertTrue(text.contains("```python\nx = 6 * 7\n```"), text)
        XCTAssertTrue(text.contains("< 42"))
    }

    func testTutorialsOneToThreeRunInOrderOnAFreshHome() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-tutorials-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let tutorials = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/tutorials")
        let user = NSUserName()
        let expectations: [(String, [String])] = [
            ("01_running_a_pod.bf", ["pod '\(user)/census-income-demo' is ready: 22611 rows", "schema of \(user)/census-income-demo: 22611 rows"]),
            ("02_running_a_pod_using_yaml.bf", ["pod '\(user)/census-income-yaml-demo' is ready: 22611 rows", "\(user)/census-income-yaml-demo   Census income demo (YAML)"]),
            ("03_querying_and_training_a_model.bf", ["query result at \(user)/census-income-demo, smallest group", "Armed-Forces", "task complete",
                                                     "saved the model to part_3_model.pt"]),
        ]
        for (script, expected) in expectations {
            let run = try BFBinary.locate().run(["run", tutorials.appendingPathComponent(script).path],
                                                environment: ["BF_HOME": home.appendingPathComponent(".bf").path], in: home, timeout: 300)
            XCTAssertEqual(run.status, 0, "\(script): \(run.standardError)")
            for line in expected {
                XCTAssertTrue(run.standardOutput.contains(line), "\(script) lacks '\(line)':\n\(run.standardOutput)")
            }
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: home.appendingPathComponent("part_3_model.pt").path))
    }
}
