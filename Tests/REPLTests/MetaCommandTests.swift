import XCTest
@testable import REPL

final class MetaCommandTests: XCTestCase {
    func testUnambiguousPrefixesResolve() {
        let cases: [(String, MetaCommandName)] = [
            ("he", .help), ("help", .help), ("hi", .history), ("l", .load), ("sa", .save), ("sk", .skip), ("b", .back),
            ("rep", .report), ("res", .reset), ("w", .whoami), ("q", .quit), ("quit", .quit),
        ]
        for (word, expected) in cases {
            XCTAssertEqual(try MetaCommand.resolve(word).get(), expected, word)
        }
    }

    func testAmbiguousPrefixesNameEveryCandidate() {
        XCTAssertEqual(MetaCommand.resolve("h"), .failure(.ambiguous("h", candidates: [.help, .history])))
        XCTAssertEqual(MetaCommand.resolve("re"), .failure(.ambiguous("re", candidates: [.report, .reset])))
        XCTAssertEqual(MetaCommand.resolve("s"), .failure(.ambiguous("s", candidates: [.save, .skip])))
        XCTAssertEqual(MetaCommandError.ambiguous("h", candidates: [.help, .history]).message,
                       "':h' is ambiguous: it could be ':help' or ':history'")
        XCTAssertEqual(MetaCommandError.ambiguous("r", candidates: [.report, .reset, .help]).message,
                       "':r' is ambiguous: it could be ':report', ':reset' or ':help'")
    }

    func testUnknownCommandsSuggestTheNearestName() {
        XCTAssertEqual(MetaCommand.resolve("hepl"), .failure(.unknown("hepl", suggestion: .help)))
        XCTAssertEqual(MetaCommand.resolve("Help"), .failure(.unknown("Help", suggestion: .help)))
        XCTAssertEqual(MetaCommand.resolve("sav3"), .failure(.unknown("sav3", suggestion: .save)))
        XCTAssertEqual(MetaCommand.resolve("exit"), .failure(.unknown("exit", suggestion: nil)))
        XCTAssertEqual(MetaCommandError.unknown("hepl", suggestion: .help).help, "did you mean ':help'?")
        XCTAssertEqual(MetaCommandError.unknown("exit", suggestion: nil).help, "type ':help' to list the commands")
    }

    func testArgumentsAreParsed() {
        XCTAssertEqual(MetaCommand.parse(":help"), .success(.help(topic: nil)))
        XCTAssertEqual(MetaCommand.parse("  :he   train  "), .success(.help(topic: "train")))
        XCTAssertEqual(MetaCommand.parse(":load setup.bf"), .success(.load(path: "setup.bf")))
        XCTAssertEqual(MetaCommand.parse(":save 'my session.bf'"), .success(.save(path: "my session.bf")))
        XCTAssertEqual(MetaCommand.parse(":rep \"out.html\""), .success(.report(path: "out.html")))
        XCTAssertEqual(MetaCommand.parse(":hist"), .success(.history(count: nil)))
        XCTAssertEqual(MetaCommand.parse(":history 5"), .success(.history(count: 5)))
        XCTAssertEqual(MetaCommand.parse(":q"), .success(.quit))
    }

    func testMisusedArgumentsAreErrors() {
        XCTAssertEqual(MetaCommand.parse(":load"), .failure(.missingArgument(.load)))
        XCTAssertEqual(MetaCommand.parse(":quit now"), .failure(.unexpectedArgument(.quit, "now")))
        XCTAssertEqual(MetaCommand.parse(":history many"), .failure(.invalidCount("many")))
        XCTAssertEqual(MetaCommand.parse(":history 0"), .failure(.invalidCount("0")))
        XCTAssertEqual(MetaCommand.parse(":"), .failure(.missingName))
        XCTAssertEqual(MetaCommandError.missingArgument(.save).message, "':save' needs a file")
        XCTAssertEqual(MetaCommandError.missingArgument(.save).help, "usage: :save FILE")
        XCTAssertEqual(MetaCommandError.unexpectedArgument(.quit, "now").message, "':quit' takes no argument, got 'now'")
    }
}
