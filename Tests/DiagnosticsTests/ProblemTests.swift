import Diagnostics
import XCTest

final class ProblemTests: XCTestCase {
    private struct TwoProblems: ProblemError {
        let problems = [
            Problem("pods disagree on categorical column 'gender'",
                    notes: ["a  has Female, Male", "b  has Female, Male, Unspecified"], help: "drop the column"),
            Problem("column 'age' is missing at pod 'b'"),
        ]
    }

    func testAProblemIsItsMessageNotesAndHelp() {
        XCTAssertEqual(Problem("pods disagree on categorical column 'gender'",
                               notes: ["a  has Female, Male", "b  has Female, Male, Unspecified"],
                               help: "drop the column").description, """
            pods disagree on categorical column 'gender'
              a  has Female, Male
              b  has Female, Male, Unspecified
            help: drop the column
            """)
        XCTAssertEqual(Problem("no pods chosen").description, "no pods chosen")
    }

    func testAnErrorShowsEveryProblemAndLeadsWithTheFirst() {
        let error = TwoProblems()
        XCTAssertEqual(error.message, "pods disagree on categorical column 'gender'")
        XCTAssertEqual(error.help, "drop the column")
        XCTAssertFalse(error.isInputOutput)
        XCTAssertEqual(error.description.split(separator: "\n").last, "column 'age' is missing at pod 'b'")
        XCTAssertEqual(error.description.split(separator: "\n").count, 5)
    }
}
