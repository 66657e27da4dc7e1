import XCTest
import Yams
@testable import Federation

/// How every bf YAML reader (pod files, federation files, task files) reads values and
/// syntax problems.
final class YAMLValuesTests: XCTestCase {
    private func value(_ yaml: String) throws -> Node {
        try XCTUnwrap(try YAMLSyntaxProblem.compose("v: \(yaml)")?.mapping?["v"])
    }

    func testNumbersAndTruthAreUnquoted() throws {
        XCTAssertEqual(try value("5").wholeNumber, 5)
        XCTAssertNil(try value("\"5\"").wholeNumber)
        XCTAssertNil(try value("'5'").finiteNumber)
        XCTAssertNil(try value("5.5").wholeNumber)
        XCTAssertNil(try value("1:30").wholeNumber)
        XCTAssertNil(try value("622222222222222222:2").wholeNumber)
        XCTAssertEqual(try value("1e3").finiteNumber, 1000)
        XCTAssertEqual(try value("7").finiteNumber, 7)
        XCTAssertNil(try value(".nan").finiteNumber)
        XCTAssertNil(try value("-.inf").finiteNumber)
        XCTAssertEqual(try value("yes").boolean, true)
        XCTAssertEqual(try value("no").boolean, false)
        XCTAssertNil(try value("\"false\"").boolean)
        XCTAssertNil(try value("maybe").boolean)
    }

    func testTextIsAnyScalarButAPlainEmptyOne() throws {
        XCTAssertEqual(try value("5").text, "5")
        XCTAssertEqual(try value("\"\"").text, "")
        XCTAssertNil(try value("").text)
        XCTAssertNil(try value("~").text)
        XCTAssertNil(try value("[a]").text)
    }

    func testKindsAsMessagesNameThem() throws {
        let kinds = try ["{a: 1}", "[1]", "", "3.5", ".nan", "-.inf", "yes", "abc", "\"5\""].map { try value($0).kindDescription }
        XCTAssertEqual(kinds, ["a mapping", "a list", "empty", "a number (3.5)", "NaN (.nan)", "infinity (-.inf)",
                               "true/false (yes)", "text ('abc')", "text ('5')"])
        XCTAssertEqual(try value("x").position.line, 1)
        XCTAssertEqual(try value("x").position.column, 4)
    }

    func testSyntaxProblemsSayWhere() {
        XCTAssertThrowsError(try YAMLSyntaxProblem.compose("a: [1, 2\nb: 3\n")) { error in
            let problem = error as? YAMLSyntaxProblem
            XCTAssertNil(problem?.duplicate)
            XCTAssertEqual(problem?.line, 2)
            XCTAssertTrue(problem?.problem.contains("did not find expected ',' or ']'") ?? false, "\(String(describing: problem?.problem))")
        }
        XCTAssertThrowsError(try YAMLSyntaxProblem.compose("a: 1\nb: 2\n  \na: 3\n")) { error in
            let problem = error as? YAMLSyntaxProblem
            XCTAssertEqual(problem?.duplicate?.key, "a")
            XCTAssertEqual(problem?.duplicate?.firstLine, 1)
            XCTAssertEqual(problem?.line, 4)
            XCTAssertEqual(problem?.column, 1)
        }
        XCTAssertNil(try YAMLSyntaxProblem.compose(""))
    }

    func testAMappingsFieldsAreCheckedAgainstTheAllowedNames() throws {
        let node = try XCTUnwrap(try YAMLSyntaxProblem.compose("pod_name: a\npod_nme: b\n[1]: c\nother: d\n"))
        let fields = try XCTUnwrap(YAMLMappingFields(node, allowed: ["pod_name", "datasource"]))
        XCTAssertEqual(fields.known.map(\.key), ["pod_name"])
        XCTAssertEqual(fields.unknown.map(\.key), ["pod_nme", "other"])
        XCTAssertEqual(fields.unknown.map(\.suggestion), ["pod_name", nil])
        XCTAssertEqual(fields.unknown.first?.keyNode.position.line, 2)
        XCTAssertEqual(fields.nonTextKeys.count, 1)
        XCTAssertEqual(YAMLMappingFields(node, allowed: nil)?.known.map(\.key), ["pod_name", "pod_nme", "other"])
        XCTAssertNil(YAMLMappingFields(try XCTUnwrap(try YAMLSyntaxProblem.compose("- a")), allowed: nil))
    }
}
