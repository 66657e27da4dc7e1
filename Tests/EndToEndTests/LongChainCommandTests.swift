import BFTestSupport
import Foundation
import XCTest

/// The built `bf` on generated scripts of a million terms: a long sum checks and runs (as a
/// file and piped to standard input), a long postfix chain is a syntax error with exit 65,
/// and nothing ends in a crash.
final class LongChainCommandTests: XCTestCase {
    static let terms = 1_000_000
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bf-chains-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func script(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func bf(_ arguments: [String], standardInput: String? = nil) throws -> BFRun {
        let run = try BFBinary.locate().run(arguments, standardInput: standardInput, timeout: 120)
        XCTAssertFalse(run.timedOut, "bf \(arguments.joined(separator: " ")) timed out")
        return run
    }

    func testAMillionTermSumChecksAndRunsFromAFileAndFromStandardInput() throws {
        let text = "x = 1" + String(repeating: "+1", count: Self.terms - 1) + "\nprint(x)\n"
        let path = try script("sum.bf", text)
        let checked = try bf(["check", path])
        XCTAssertEqual(checked.status, 0, checked.standardError)
        let ran = try bf(["run", path])
        XCTAssertEqual(ran.status, 0, ran.standardError)
        XCTAssertEqual(ran.standardOutput, "1000000\n")
        let piped = try bf([], standardInput: text)
        XCTAssertEqual(piped.status, 0, piped.standardError)
        XCTAssertEqual(piped.standardOutput, "1000000\n")
    }

    func testMillionLinkPostfixChainsAreASyntaxErrorNotACrash() throws {
        for (name, start, link) in [("attributes", "a", ".b"), ("calls", "f", "()"), ("indices", "x", "[0]")] {
            let text = "a = 1\nf = print\nx = [0]\ny = " + start + String(repeating: link, count: Self.terms) + "\n"
            let path = try script(name + ".bf", text)
            for (mode, run) in [("check", try bf(["check", path])), ("run", try bf(["run", path])), ("piped", try bf([], standardInput: text))] {
                XCTAssertEqual(run.status, 65, "\(name), \(mode): \(run.standardError.prefix(300))")
                XCTAssertTrue(run.standardError.contains(":4:"), "\(name), \(mode)")
                XCTAssertTrue(run.standardError.contains("error: expression nested too deeply (more than 100 levels)"), "\(name), \(mode)")
                XCTAssertTrue(run.standardError.contains("help: split the expression into several assignments"), "\(name), \(mode)")
                // The line of three million characters is shown as an excerpt around the place.
                XCTAssertLessThan(run.standardError.utf8.count, 1000, "\(name), \(mode)")
            }
        }
    }

    func testCheckRejectsTheLiteralArgumentsARunRejects() throws {
        let path = try script("hyper.bf", """
            ds = DataStructure(target="TARGET")
            schema = combine_pod_schemas(["census-income-demo"])
            m = PyTorchTabularClassifier(datastructure=ds, schema=schema, epochs=-1)
            m = PyTorchTabularClassifier(datastructure=ds, schema=schema, epochs=1, batch_size=0)
            o = Optimizer(name="SGD", params={"lr": -1})
            o = Optimizer(name="Adamw")
            """)
        let checked = try bf(["check", path])
        XCTAssertEqual(checked.status, 65)
        let messages = checked.standardError.split(separator: "\n").filter { $0.contains("error:") }
        XCTAssertEqual(messages, [
            "\(path):3:63: error: hyperparameter 'epochs' is -1: it must be at least 1",
            "\(path):4:73: error: hyperparameter 'batch_size' is 0: it must be at least 1",
            "\(path):5:27: error: optimizer 'SGD' parameter 'lr' is -1.0: it must be above 0",
            "\(path):6:15: error: unknown optimizer 'Adamw': did you mean 'AdamW'? known optimizers are 'SGD', 'Adam', 'AdamW'",
        ])
    }
}
