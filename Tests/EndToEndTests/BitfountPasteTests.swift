import BFTestSupport
import Foundation
import XCTest

/// The code cells of Bitfount's tutorial notebooks, pasted into `bf` in order as a user
/// would paste them (standard input, not a terminal), on a fresh home with the demo
/// federation: the Python set-up lines are accepted and explained once, and the tutorial
/// runs to its end.
final class BitfountPasteTests: XCTestCase {
    private var environment: TestEnvironment!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
    }

    override func tearDown() {
        environment = nil
    }

    func testTutorialFiveNotebookCellsRunToTheEnd() throws {
        let directory = environment.directory.appendingPathComponent("notebook-5", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let run = try BFBinary.locate().run([], standardInput: TutorialFive.cells.joined(separator: "\n\n") + "\n",
                                            environment: ["BF_HOME": directory.appendingPathComponent(".bf").path,
                                                          "BF_USER": "modeller"],
                                            in: directory, timeout: 300)
        XCTAssertEqual(run.status, 0, run.standardError)
        XCTAssertFalse(run.standardError.contains("error:"), run.standardError)
        for note in ["note: import lines are accepted and ignored",
                     "note: nest_asyncio.apply() does nothing in bf",
                     "note: setup_loggers does nothing in bf"] {
            XCTAssertEqual(run.standardError.components(separatedBy: note).count, 2, "'\(note)' once in:\n\(run.standardError)")
        }
        let out = run.standardOutput
        XCTAssertTrue(out.contains("  modeller/census-income-demo accepted\n  modeller/census-income-yaml-demo accepted\n"), out)
        XCTAssertTrue(out.contains("task complete\n"), out)
        XCTAssertTrue(out.contains("saved the model to part_5_model.pt\n"), out)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("part_5_model.pt").path))
    }

    func testTheSetUpLinesOfOtherNotebooksAreAcceptedToo() throws {
        let cells = """
            import logging
            import nest_asyncio
            from bitfount.runners.config_schemas import PodDataConfig, PodDetailsConfig
            nest_asyncio.apply()
            logger = logging.getLogger(__name__)
            setup_loggers([logger])
            logging.basicConfig(level=logging.INFO)
            logger.setLevel(logging.DEBUG)
            logger.info("ready")
            print(__name__, logger.name, logging.INFO)
            """
        let run = try BFBinary.locate().run(["run", "-"], standardInput: cells + "\n")
        XCTAssertEqual(run.status, 0, run.standardError)
        // setup_loggers returns its loggers, as Bitfount's does, and a notebook shows them.
        XCTAssertEqual(run.standardOutput, "[<Logger __main__>]\n__main__ __main__ 20\n")
        XCTAssertTrue(run.standardError.hasSuffix("info: ready\n"), run.standardError)
        let check = try BFBinary.locate().run(["check", "-"], standardInput: cells + "\n")
        XCTAssertEqual(check.status, 0, check.standardError)
    }
}
