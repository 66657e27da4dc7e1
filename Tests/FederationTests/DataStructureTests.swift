import XCTest
@testable import Federation

/// A data structure checked against one or more pods' schemas.
final class DataStructureTests: FederationTestCase {
    private func podSchema(_ name: String, _ csv: String, categorical: [String]) throws -> PodSchema {
        let dataset = try CSVSource.load(try file(csv), table: name,
                                         config: DataConfig(forceStypes: [name: ForcedTypes(categorical: categorical)]))
        return PodSchema(pod: try PodIdentifier(owner: "olivia", name: name), schema: dataset.schema)
    }

    func testSelectedAndIgnoredExcludeEachOther() {
        XCTAssertEqual(error { try DataStructure(target: "TARGET", selectedColumns: ["a"], ignoredColumns: ["b"]) } as? DataStructureError,
                       .selectedAndIgnored)
        XCTAssertEqual(error { try DataStructure(target: "TARGET", ignoredColumns: ["TARGET"]) } as? DataStructureError,
                       .targetIgnored("TARGET"))
    }

    func testUnknownColumnSuggestsTheNearestHeader() throws {
        let pod = try podSchema("p", "age,gender,TARGET\n1,M,0\n", categorical: ["gender", "TARGET"])
        let structure = try DataStructure(target: "TARGT", selectedColumns: ["Age"])
        XCTAssertThrowsError(try structure.validate(against: [pod])) { error in
            let failure = error as? SchemaVerificationError
            XCTAssertEqual(failure?.problems, [.unknownColumn(column: "TARGT", setting: "target", suggestion: "TARGET"),
                                               .unknownColumn(column: "Age", setting: "selected_cols", suggestion: "age")])
            XCTAssertEqual(failure?.diagnostics.first?.description,
                           "target names column 'TARGT', which none of the pods has\nhelp: did you mean 'TARGET'?")
        }
    }

    func testTargetMissingAtOnePod() throws {
        let a = try podSchema("a", "age,TARGET\n1,0\n", categorical: ["TARGET"])
        let b = try podSchema("b", "age,income\n1,0\n", categorical: [])
        XCTAssertThrowsError(try DataStructure(target: "TARGET").validate(against: [a, b])) { error in
            XCTAssertEqual((error as? SchemaVerificationError)?.problems,
                           [.missingColumn(column: "TARGET", missingIn: [b.pod], presentIn: [a.pod], isTarget: true)])
            XCTAssertEqual((error as? SchemaVerificationError)?.message, "target column 'TARGET' is missing at pod 'b'")
        }
    }

    func testTargetMustBeCategorical() throws {
        let pod = try podSchema("p", "age,TARGET\n1,0\n2,1\n", categorical: [])
        XCTAssertThrowsError(try DataStructure(target: "TARGET").validate(against: [pod])) { error in
            XCTAssertEqual((error as? SchemaVerificationError)?.problems,
                           [.targetNotCategorical(column: "TARGET", types: [PodSemanticType(pod: pod.pod, semanticType: .continuous, dataType: .integer)])])
        }
    }

    func testTableMapMustNameEachPodsTable() throws {
        let a = try podSchema("a", "x,TARGET\n1,0\n", categorical: ["TARGET"])
        let b = try podSchema("b", "x,TARGET\n1,0\n", categorical: ["TARGET"])
        XCTAssertNoThrow(try DataStructure(target: "TARGET", table: .perPod(["a": "a", "olivia/b": "b"])).validate(against: [a, b]))
        XCTAssertThrowsError(try DataStructure(target: "TARGET", table: .perPod(["a": "b"])).validate(against: [a, b])) { error in
            XCTAssertEqual((error as? SchemaVerificationError)?.problems,
                           [.unknownTable(pod: a.pod, table: "b", expected: "a"), .tableNotMapped(pod: b.pod, expected: "b")])
        }
    }
}
