import Foundation
import XCTest
@testable import REPL

final class CompletionTests: XCTestCase {
    func testCommonPrefix() {
        XCTAssertEqual(CompletionEdit.commonPrefix(of: ["pods", "pod_identifiers", "print"]), "p")
        XCTAssertEqual(CompletionEdit.commonPrefix(of: ["pods", "pod_identifiers"]), "pod")
        XCTAssertEqual(CompletionEdit.commonPrefix(of: ["train"]), "train")
        XCTAssertEqual(CompletionEdit.commonPrefix(of: ["abc", "xyz"]), "")
        XCTAssertEqual(CompletionEdit.commonPrefix(of: []), "")
    }

    func testOneCandidateReplacesTheWord() {
        let edit = CompletionEdit.plan(line: "x = pri", cursor: 7, completion: Completion(start: 4, candidates: ["print"]))
        XCTAssertEqual(edit, .replace(deleting: 3, inserting: "print", listing: []))
    }

    func testSeveralCandidatesInsertTheirCommonPrefixAndAreListed() {
        let candidates = ["pods", "pod_identifiers"]
        let edit = CompletionEdit.plan(line: "po", cursor: 2, completion: Completion(start: 0, candidates: candidates))
        XCTAssertEqual(edit, .replace(deleting: 2, inserting: "pod", listing: candidates))
    }

    func testAPrefixThatDoesNotExtendTheWordKeepsIt() {
        // Case-insensitive candidates share no prefix with what was typed.
        let edit = CompletionEdit.plan(line: "TR", cursor: 2, completion: Completion(start: 0, candidates: ["train", "trace"]))
        XCTAssertEqual(edit, .replace(deleting: 2, inserting: "TR", listing: ["train", "trace"]))
    }

    func testDuplicatesCountOnce() {
        let edit = CompletionEdit.plan(line: "ev", cursor: 2, completion: Completion(start: 0, candidates: ["evaluate", "evaluate"]))
        XCTAssertEqual(edit, .replace(deleting: 2, inserting: "evaluate", listing: []))
    }

    func testNoCandidateOrABadOffsetRingsTheBell() {
        XCTAssertEqual(CompletionEdit.plan(line: "zz", cursor: 2, completion: .none), .ring)
        XCTAssertEqual(CompletionEdit.plan(line: "zz", cursor: 2, completion: Completion(start: 3, candidates: ["a"])), .ring)
        // Offset 1 falls inside the two bytes of "é".
        XCTAssertEqual(CompletionEdit.plan(line: "é", cursor: 2, completion: Completion(start: 1, candidates: ["a"])), .ring)
    }

    func testDeletionCountsCharactersNotBytes() {
        let edit = CompletionEdit.plan(line: "\"café", cursor: 6, completion: Completion(start: 1, candidates: ["café-pod\""]))
        XCTAssertEqual(edit, .replace(deleting: 4, inserting: "café-pod\"", listing: []))
    }

    func testListingFillsColumnsTopToBottom() {
        let wide = CompletionListing.lines(for: ["pods", "print", "pod_identifiers"], width: 80)
        XCTAssertEqual(wide, ["pod_identifiers  pods             print"])
        let narrow = CompletionListing.lines(for: ["a", "bb", "c", "d", "e"], width: 9)
        // Column width 4 ("bb" + 2), two columns in 9, three rows.
        XCTAssertEqual(narrow, ["a   d", "bb  e", "c"])
        XCTAssertEqual(CompletionListing.lines(for: ["only"], width: 2), ["only"])
    }

    func testVeryLongListingsAreCut() {
        let many = (0..<250).map { String(format: "name%03d", $0) }
        let lines = CompletionListing.lines(for: many, width: 80)
        XCTAssertEqual(lines.last, "… and 50 more")
        XCTAssertFalse(lines.joined().contains("name200"))
    }
}

final class FileCompletionTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bf-files-\(UUID().uuidString)")
        let manager = FileManager.default
        try manager.createDirectory(at: directory.appendingPathComponent("alps"), withIntermediateDirectories: true)
        for name in ["alpha.bf", ".hidden.bf", "beta.txt", "alps/inner.bf"] {
            try Data().write(to: directory.appendingPathComponent(name))
        }
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    func testEntriesOfTheCurrentDirectoryThatStartWithTheName() {
        let completion = FileCompletion.complete("al", currentDirectory: directory.path, homeDirectory: nil)
        XCTAssertEqual(completion, Completion(start: 0, candidates: ["alpha.bf", "alps/"]))
    }

    func testTheLastComponentIsCompletedInsideItsDirectory() {
        let completion = FileCompletion.complete("alps/in", currentDirectory: directory.path, homeDirectory: nil)
        XCTAssertEqual(completion, Completion(start: 5, candidates: ["inner.bf"]))
        let absolute = FileCompletion.complete(directory.path + "/be", currentDirectory: "/", homeDirectory: nil)
        XCTAssertEqual(absolute, Completion(start: directory.path.utf8.count + 1, candidates: ["beta.txt"]))
    }

    func testHiddenEntriesOnlyWhenAsked() {
        XCTAssertEqual(FileCompletion.complete("", currentDirectory: directory.path, homeDirectory: nil).candidates,
                       ["alpha.bf", "alps/", "beta.txt"])
        XCTAssertEqual(FileCompletion.complete(".h", currentDirectory: directory.path, homeDirectory: nil).candidates,
                       [".hidden.bf"])
    }

    func testTildeMeansTheHomeDirectory() {
        let completion = FileCompletion.complete("~/alps/", currentDirectory: "/", homeDirectory: directory.path)
        XCTAssertEqual(completion, Completion(start: 7, candidates: ["inner.bf"]))
    }

    func testAMissingDirectoryHasNoCandidates() {
        let completion = FileCompletion.complete("nowhere/x", currentDirectory: directory.path, homeDirectory: nil)
        XCTAssertEqual(completion.candidates, [])
    }
}
