import XCTest
@testable import Diagnostics

final class SuggestionTests: XCTestCase {
    func testEditDistanceCountsSwapsAsOneEdit() {
        XCTAssertEqual(Suggestion.editDistance("kitten", "sitting", limit: 5), 3)
        XCTAssertEqual(Suggestion.editDistance("hepl", "help", limit: 5), 1)
        XCTAssertEqual(Suggestion.editDistance("", "abc", limit: 5), 3)
        XCTAssertEqual(Suggestion.editDistance("same", "same", limit: 5), 0)
        XCTAssertEqual(Suggestion.editDistance("abcdef", "uvwxyz", limit: 2), 3, "gives up past the limit")
    }

    func testCaseInsensitiveMatchThenTheClosestWithinTheLimit() {
        XCTAssertEqual(Suggestion.closest(to: "RESET", among: ["report", "reset"]), "reset")
        XCTAssertEqual(Suggestion.closest(to: "histroy", among: ["help", "history"]), "history")
        XCTAssertEqual(Suggestion.closest(to: "epoch", among: ["epochs", "steps"]), "epochs")
        // 'whoa' is two edits from 'whoami'; the limit for four letters is max(4 / 3, 1) = 1.
        XCTAssertNil(Suggestion.closest(to: "whoa", among: ["whoami"]))
        XCTAssertNil(Suggestion.closest(to: "xyz", among: ["print", "len"]))
    }

    func testTiesGoToTheNameOfTheSameLength() {
        XCTAssertEqual(Suggestion.closest(to: "modle", among: ["mode", "model"]), "model")
    }

    func testOneLetterNamesOnlyMatchByCase() {
        XCTAssertNil(Suggestion.closest(to: "y", among: ["x", "z"]))
        XCTAssertEqual(Suggestion.closest(to: "X", among: ["x", "y"]), "x")
    }
}
