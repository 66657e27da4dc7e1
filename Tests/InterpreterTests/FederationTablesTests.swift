import XCTest
@testable import Federation
@testable import Interpreter

/// Federation's results drawn as the text tables the notebook, the REPL and `bf pod list` show.
final class FederationTablesTests: XCTestCase {
    func testASchemaShowsEachColumnWithItsTypesNullsAndValues() {
        let schema = TableSchema(name: "t", columns: [
            ColumnSchema(name: "age", dataType: .integer, semanticType: .continuous, nullCount: 0, categories: nil),
            ColumnSchema(name: "member", dataType: .boolean, semanticType: .categorical, nullCount: 1,
                         categories: [CategoryCount(value: "False", count: 2), CategoryCount(value: "True", count: 2)]),
        ], ignoredColumns: [], rowCount: 5, splits: SplitCounts(train: 3, validation: 1, test: 1))
        XCTAssertEqual(schema.summaryTable.rendered(), """
            column  dtype  stype        nulls  values
            ------  -----  -----------  -----  -------------------
            age     int64  continuous   0
            member  bool   categorical  1      False (2), True (2)
            """)
    }

    func testPodListingsShowRolesAndApprovals() throws {
        let demo = try PodIdentifier(owner: "olivia", name: "census-income-demo")
        let other = try PodIdentifier(owner: "olivia", name: "census-income-other")
        let listings = [
            PodListing(pod: PodDescription(identifier: demo, displayName: "Census income demo", description: "", rowCount: 22611,
                                           approvedPods: [other], minimumGroupSize: 5),
                       roles: [.generalModeller]),
            PodListing(pod: PodDescription(identifier: other, displayName: "Census income, other gender coding", description: "",
                                           rowCount: 5000, approvedPods: [], minimumGroupSize: 5),
                       roles: []),
        ]
        XCTAssertEqual(PodListing.table(listings).rendered(), """
            pod                         display name                        rows   your role         approved pods
            --------------------------  ----------------------------------  -----  ----------------  --------------------------
            olivia/census-income-demo   Census income demo                  22611  general_modeller  olivia/census-income-other
            olivia/census-income-other  Census income, other gender coding  5000   none
            """)
    }
}
