import XCTest
@testable import REPL

final class HistoryLocationTests: XCTestCase {
    func testXDGStateHomeWins() {
        let file = HistoryLocation.file(environment: ["XDG_STATE_HOME": "/state", "HOME": "/home/ann"])
        XCTAssertEqual(file, "/state/bf/history")
    }

    func testHomeIsUsedWithoutXDGStateHome() {
        XCTAssertEqual(HistoryLocation.file(environment: ["HOME": "/home/ann"]), "/home/ann/.bf_history")
    }

    func testEmptyOrRelativeXDGStateHomeIsIgnored() {
        XCTAssertEqual(HistoryLocation.file(environment: ["XDG_STATE_HOME": "", "HOME": "/home/ann"]),
                       "/home/ann/.bf_history")
        XCTAssertEqual(HistoryLocation.file(environment: ["XDG_STATE_HOME": "state", "HOME": "/home/ann"]),
                       "/home/ann/.bf_history")
    }

    func testAnExplicitBFHomeKeepsItsOwnHistory() {
        XCTAssertEqual(HistoryLocation.file(environment: ["BF_HOME": "/scratch/.bf", "XDG_STATE_HOME": "/state",
                                                          "HOME": "/home/ann"]),
                       "/scratch/.bf/history")
        XCTAssertEqual(HistoryLocation.file(environment: ["BF_HOME": "scratch", "HOME": "/home/ann"], currentDirectory: "/work"),
                       "/work/scratch/history")
        XCTAssertEqual(HistoryLocation.file(environment: ["BF_HOME": "", "HOME": "/home/ann"]), "/home/ann/.bf_history")
    }

    func testTheAccountsHomeDirectoryStandsInForAMissingHOME() {
        XCTAssertEqual(HistoryLocation.file(environment: [:], homeDirectory: "/var/lib/ann"), "/var/lib/ann/.bf_history")
        XCTAssertNil(HistoryLocation.file(environment: [:], homeDirectory: nil))
    }
}
