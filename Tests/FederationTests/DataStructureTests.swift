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
            XCTAssertEqual(failure?.schemaProblems, [.unknownColumn(column: "TARGT", setting: "target", suggestion: "TARGET"),
                                               .unknownColumn(column: "Age", setting: "selected_cols", suggestion: "age")])
            XCTAssertEqual(failure?.problems.first?.description,
                           "target names column 'TARGT', which none of the pods has\nhelp: did you mean 'TARGET'?")
        }
    }

    func testTargetMissingAtOnePod() throws {
        let a = try podSchema("a", "age,TARGET\n1,0\n", categorical: ["TARGET"])
        let b = try podSchema("b", "age,income\n1,0\n", categorical: [])
        XCTAssertThrowsError(try DataStructure(target: "TARGET").validate(against: [a, b])) { error in
            XCTAssertEqual((error as? SchemaVerificationError)?.schemaProblems,
                           [.missingColumn(column: "TARGET", missingIn: [b.pod], presentIn: [a.pod], isTarget: true)])
            XCTAssertEqual((error as? SchemaVerificationError)?.message, "target column 'TARGET' is missing at pod 'b'")
        }
    }

    func testTargetMustBeCategorical() throws {
        let pod = try podSchema("p", "age,TARGET\n1,0\n2,1\n", categorical: [])
        XCTAssertThrowsError(try DataStructure(target: "TARGET").validate(against: [pod])) { error in
            XCTAssertEqual((error as? SchemaVerificationError)?.schemaProblems,
                           [.targetNotCategorical(column: "TARGET", types: [PodSemanticType(pod: pod.pod, semanticType: .continuous, dataType: .integer)])])
        }
    }

    func testTableMapMustNameEachPodsTable() throws {
        let a = try podSchema("a", "x,TARGET\n1,0\n", categorical: ["TARGET"])
        let b = try podSchema("b", "x,TARGET\n1,0\n", categorical: ["TARGET"])
        XCTAssertNoThrow(try DataStructure(target: "TARGET", table: .perPod(["a": "a", "olivia/b": "b"])).validate(against: [a, b]))
        XCTAssertThrowsError(try DataStructure(target: "TARGET", table: .perPod(["a": "b"])).validate(against: [a, b])) { error in
            XCTAssertEqual((error as? SchemaVerificationError)?.schemaProblems,
                           [.unknownTable(pod: a.pod, table: "b", expected: "a"), .tableNotMapped(pod: b.pod, expected: "b")])
        }
    }

    func testTableMapKeysMayNameAPodAsAnyCallDoes() async throws {
        let a = try podSchema("a", "x,TARGET\n1,0\n", categorical: ["TARGET"])
        let b = try podSchema("b", "x,TARGET\n1,0\n", categorical: ["TARGET"])
        let spellings = ["bf://127.0.0.1:17401/a": a.pod, "hospital-b": b.pod]
        var asked: [String] = []
        let resolve: (String) async throws -> PodIdentifier = { key in
            asked.append(key)
            guard let pod = spellings[key] else { throw HubError.noSuchPod(key, suggestion: "hospital-b") }
            return pod
        }
        let structure = try DataStructure(target: "TARGET", table: .perPod(["bf://127.0.0.1:17401/a": "a", "hospital-b": "b"]))
        let resolved = try await structure.resolvingTableKeys(for: [a.pod, b.pod], resolve)
        XCTAssertEqual(resolved.table, .perPod(["olivia/a": "a", "olivia/b": "b"]))
        XCTAssertNoThrow(try resolved.validate(against: [a, b]))

        // Keys that already name one of the task's pods are not sent to the resolver.
        asked = []
        _ = try await DataStructure(target: "TARGET", table: .perPod(["a": "a", "olivia/b": "b"])).resolvingTableKeys(for: [a.pod, b.pod], resolve)
        XCTAssertEqual(asked, [])

        do {
            _ = try await DataStructure(target: "TARGET", table: .perPod(["hospital-c": "a"])).resolvingTableKeys(for: [a.pod, b.pod], resolve)
            XCTFail("a key that names no pod was accepted")
        } catch let error as DataStructureError {
            XCTAssertEqual(error.problems.first?.message,
                           "the data structure's table map names 'hospital-c', which is not a pod: " + (HubError.noSuchPod("hospital-c", suggestion: "hospital-b").problems.first?.message ?? ""))
        }

        do {
            _ = try await DataStructure(target: "TARGET", table: .perPod(["a": "a", "bf://127.0.0.1:17401/a": "b"])).resolvingTableKeys(for: [a.pod, b.pod], resolve)
            XCTFail("two tables for one pod were accepted")
        } catch let error as DataStructureError {
            XCTAssertEqual(error.problems.first?.description, """
                the data structure's table map gives pod 'olivia/a' more than one table
                  'a': 'a'
                  'bf://127.0.0.1:17401/a': 'b'
                help: keep one entry for the pod
                """)
        }
    }
}
