import XCTest
@testable import Federation

/// The rules of "Verifying data structures" and how their failures read.
final class SchemaVerifierTests: XCTestCase {
    private func pod(_ name: String) throws -> PodIdentifier { try PodIdentifier(owner: "olivia", name: name) }

    private func categorical(_ name: String, _ values: [String]) -> ColumnSchema {
        ColumnSchema(name: name, dataType: .string, semanticType: .categorical, nullCount: 0,
                     categories: values.map { CategoryCount(value: $0, count: 1) })
    }

    private func continuous(_ name: String) -> ColumnSchema {
        ColumnSchema(name: name, dataType: .integer, semanticType: .continuous, nullCount: 0, categories: nil)
    }

    private func schema(_ name: String, _ columns: [ColumnSchema], rows: Int = 10) throws -> PodSchema {
        PodSchema(pod: try pod(name), schema: TableSchema(name: name, columns: columns, ignoredColumns: [],
                                                           rowCount: rows, splits: SplitCounts(rowCount: rows)))
    }

    func testColumnOrderDoesNotMatterAndExtraColumnsAreAllowed() throws {
        let a = try schema("a", [continuous("age"), categorical("gender", ["F", "M"]), categorical("TARGET", ["0", "1"])], rows: 10)
        let b = try schema("b", [categorical("TARGET", ["0", "1"]), continuous("extra"), categorical("gender", ["F", "M"]),
                                 continuous("age")], rows: 30)
        let combined = try SchemaVerifier.combine([a, b], dataStructure: try DataStructure(target: "TARGET"))
        XCTAssertEqual(combined.columns.map(\.name), ["age", "gender", "TARGET"])
        XCTAssertEqual(combined.usedColumns, ["age", "gender", "TARGET"])
        XCTAssertEqual(combined.excludedColumns, [ExcludedColumn(name: "extra", presentIn: [try pod("b")], reason: .notAtEveryPod)])
        XCTAssertEqual(combined.rowCount, 40)
        XCTAssertEqual(combined.podRows.map(\.rowCount), [10, 30])
        XCTAssertEqual(combined.column(named: "gender")?.categories,
                       [CategoryCount(value: "F", count: 2), CategoryCount(value: "M", count: 2)])
    }

    func testMissingSelectedColumnNamesThePodsLackingIt() throws {
        let a = try schema("a", [continuous("age"), categorical("gender", ["F", "M"])])
        let b = try schema("b", [continuous("age")])
        let structure = try DataStructure(selectedColumns: ["age", "gender"])
        XCTAssertThrowsError(try SchemaVerifier.combine([a, b], dataStructure: structure)) { error in
            let failure = error as? SchemaVerificationError
            XCTAssertEqual(failure?.schemaProblems, [.missingColumn(column: "gender", missingIn: [try! pod("b")],
                                                              presentIn: [try! pod("a")], isTarget: false)])
            XCTAssertEqual(failure?.description, """
                column 'gender' is missing at pod 'b'
                  b  has no 'gender'
                  a  has it
                help: leave it out with datastructure(ignore_cols=["gender"]) or add it at the pods
                """)
        }
        // Without a selection only the shared columns are used, so nothing is missing.
        XCTAssertEqual(try SchemaVerifier.combine([a, b]).columns.map(\.name), ["age"])
    }

    func testCategoricalValueSetsThatDifferAreShownPerPod() throws {
        let demo = try schema("census-income-demo", [categorical("gender", ["F", "M", "NB"])])
        let other = try schema("census-income-other", [categorical("gender", ["F", "M", "Unspecified"])])
        XCTAssertThrowsError(try SchemaVerifier.combine([demo, other])) { error in
            XCTAssertEqual((error as? SchemaVerificationError)?.description, """
                pods disagree on categorical column 'gender'
                  census-income-demo   has F, M, NB
                  census-income-other  has F, M, Unspecified
                  only in census-income-demo: NB · only in census-income-other: Unspecified
                help: drop the column with datastructure(ignore_cols=["gender"]) or align the values at the pods
                """)
        }
        // Ignoring the column makes the pods agree.
        XCTAssertNoThrow(try SchemaVerifier.combine([demo, other], dataStructure: try DataStructure(ignoredColumns: ["gender"])))
    }

    func testValuePresentAtOnlyOnePod() throws {
        let a = try schema("a", [categorical("race", ["Black", "White"])])
        let b = try schema("b", [categorical("race", ["Black", "Other", "White"])])
        let c = try schema("c", [categorical("race", ["Black", "White"])])
        XCTAssertThrowsError(try SchemaVerifier.combine([a, b, c])) { error in
            guard case let .categoricalMismatch(mismatch)? = (error as? SchemaVerificationError)?.schemaProblems.first else {
                return XCTFail("expected a categorical mismatch, got \(error)")
            }
            XCTAssertEqual(mismatch.onlyIn, [.init(pod: try! self.pod("b"), values: ["Other"])])
            XCTAssertEqual(mismatch.missingIn.map(\.pod), [try! self.pod("a"), try! self.pod("c")])
            XCTAssertEqual(mismatch.problem(PodLabels([try! self.pod("a"), try! self.pod("b"), try! self.pod("c")])).notes.last,
                           "only in b: Other")
        }
    }

    func testValueMissingAtOnePodOfThree() throws {
        let a = try schema("a", [categorical("g", ["x", "y"])])
        let b = try schema("b", [categorical("g", ["x", "y"])])
        let c = try schema("c", [categorical("g", ["x"])])
        XCTAssertThrowsError(try SchemaVerifier.combine([a, b, c])) { error in
            XCTAssertEqual((error as? SchemaVerificationError)?.problems.first?.notes.last, "missing in c: y")
        }
    }

    func testColumnCategoricalAtOnlyOnePod() throws {
        let a = try schema("a", [categorical("age", ["30", "40"])])
        let b = try schema("b", [continuous("age")])
        XCTAssertThrowsError(try SchemaVerifier.combine([a, b])) { error in
            let failure = error as? SchemaVerificationError
            XCTAssertEqual(failure?.schemaProblems, [.semanticTypeMismatch(column: "age", types: [
                PodSemanticType(pod: try! self.pod("a"), semanticType: .categorical, dataType: .string),
                PodSemanticType(pod: try! self.pod("b"), semanticType: .continuous, dataType: .integer)])])
            XCTAssertEqual(failure?.message, "pods disagree on the type of column 'age'")
        }
    }

    private func text(_ name: String) -> ColumnSchema {
        ColumnSchema(name: name, dataType: .string, semanticType: .text, nullCount: 0, categories: nil)
    }

    func testAColumnOfNumbersAtOnePodAndTextAtAnotherIsRefusedNotLeftOut() throws {
        let demo = try schema("census-income-demo", [continuous("age"), categorical("TARGET", ["0", "1"])])
        let thirty = try schema("thirty", [text("age"), categorical("TARGET", ["0", "1"])])
        for structure in [nil, try DataStructure(target: "TARGET")] {
            XCTAssertThrowsError(try SchemaVerifier.combine([demo, thirty], dataStructure: structure)) { error in
                XCTAssertEqual((error as? SchemaVerificationError)?.description, """
                    pods disagree on the type of column 'age'
                      census-income-demo  continuous (int64)
                      thirty              text (string)
                    help: at 'thirty' some values are not numbers (the pod lists them when it is created or started): \
                    its owner can fix them or force the type with force_stypes; or leave it out with datastructure(ignore_cols=["age"])
                    """)
            }
        }
        // Left out on purpose, it is listed among the columns not used.
        let combined = try SchemaVerifier.combine([demo, thirty], dataStructure: try DataStructure(target: "TARGET", ignoredColumns: ["age"]))
        XCTAssertEqual(combined.columns.map(\.name), ["TARGET"])
        XCTAssertEqual(combined.excludedColumns.map(\.name), ["age"])
        // Continuous at one pod and categorical at another is refused as before.
        let graded = try schema("graded", [categorical("age", ["1", "2"]), categorical("TARGET", ["0", "1"])])
        XCTAssertThrowsError(try SchemaVerifier.combine([demo, graded]))
    }

    func testColumnsWhoseTypesDifferAreOneErrorListingThem() throws {
        let names = ["workclass", "education", "marital-status", "occupation"]
        let demo = try schema("census-income-demo", [continuous("age")] + names.map { categorical($0, ["a", "b"]) })
        let texts = try schema("all-text", [text("age")] + names.map(text))
        XCTAssertThrowsError(try SchemaVerifier.combine([demo, texts])) { error in
            let failure = error as? SchemaVerificationError
            XCTAssertEqual(failure?.schemaProblems.count, 5)
            XCTAssertEqual(failure?.problems.count, 1)
            XCTAssertEqual(failure?.description, """
                pods disagree on the types of 5 columns: 'age', 'workclass', 'education', 'marital-status', 'occupation'
                  'age': census-income-demo continuous (int64) · all-text text (string)
                  'workclass', 'education', 'marital-status', 'occupation': census-income-demo categorical (string) · all-text text (string)
                help: a column must have the same type at every pod: set force_stypes at the pods, or leave them out with \
                datastructure(ignore_cols=["age", "workclass", "education", "marital-status", "occupation"])
                """)
        }
    }

    func testSeveralDisagreementsAreReportedTogether() throws {
        let a = try schema("a", [categorical("gender", ["F", "M"]), categorical("race", ["A", "B"]), continuous("hours"),
                                 categorical("TARGET", ["0", "1"])])
        let b = try schema("b", [categorical("gender", ["F", "M", "U"]), continuous("race"), categorical("TARGET", ["0", "1"])])
        let structure = try DataStructure(target: "TARGET", selectedColumns: ["gender", "race", "hours", "wrk"])
        XCTAssertThrowsError(try SchemaVerifier.combine([a, b], dataStructure: structure)) { error in
            let problems = (error as? SchemaVerificationError)?.schemaProblems ?? []
            XCTAssertEqual(problems.count, 4)
            XCTAssertEqual(problems.first, .unknownColumn(column: "wrk", setting: "selected_cols", suggestion: nil))
            XCTAssertTrue(problems.contains(.missingColumn(column: "hours", missingIn: [try! self.pod("b")],
                                                           presentIn: [try! self.pod("a")], isTarget: false)))
            XCTAssertTrue(problems.contains { if case .categoricalMismatch = $0 { return true } else { return false } })
            XCTAssertTrue(problems.contains { if case .semanticTypeMismatch(column: "race", _) = $0 { return true } else { return false } })
            XCTAssertEqual((error as? SchemaVerificationError)?.problems.count, 4)
        }
    }
}
