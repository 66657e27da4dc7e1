import CSV
import Foundation
import XCTest
@testable import Federation

/// SQL at the pod on the demo federation: results against values computed here from the
/// demo's CSV, the pod's refusals (small groups, statements that are not one aggregating
/// SELECT, invalid SQL) and its role check.
final class QueryTests: FederationTestCase {
    private struct Fixture {
        let hub: Hub
        let owner: LocalIdentity
        let demo: DemoFederation
        /// The rows of census-income-demo's CSV, by header; nil for a missing value.
        let rows: [[String: String?]]
    }

    /// One demo home for the whole class: making it takes seconds in a debug build.
    nonisolated(unsafe) private static var shared: Fixture?
    private static let lock = NSLock()

    private func fixture() throws -> Fixture {
        try Self.lock.withLock {
            if let shared = Self.shared { return shared }
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-query-tests-\(UUID().uuidString)")
            let hub = try Hub(home: home)
            let owner = try hub.identity(named: "olivia")
            let demo = try DemoFederation.create(hub: hub, owner: owner)
            let text = try String(contentsOf: demo.directory.appendingPathComponent("census-income-demo.csv"), encoding: .utf8)
            let reader = try CSVReader(string: text, hasHeaderRow: true)
            let header = reader.headerRow ?? []
            var rows: [[String: String?]] = []
            while let record = reader.next() {
                var row: [String: String?] = [:]
                for (name, value) in zip(header, record) { row[name] = ["", "?"].contains(value) ? .some(nil) : .some(value) }
                rows.append(row)
            }
            let fixture = Fixture(hub: hub, owner: owner, demo: demo, rows: rows)
            Self.shared = fixture
            return fixture
        }
    }

    override class func tearDown() {
        if let home = shared?.hub.home { try? FileManager.default.removeItem(at: home) }
        shared = nil
        super.tearDown()
    }

    /// The refusal `sql` meets at census-income-demo, asked by the owner.
    private func refusal(_ sql: String, file: StaticString = #filePath, line: UInt = #line) async throws -> QueryRefusal? {
        let fixture = try fixture()
        let error = await asyncError({ try await Modeller(hub: fixture.hub, identity: fixture.owner).query(sql, on: ["census-income-demo"]) },
                                     file: file, line: line)
        guard let error = error as? QueryError else {
            XCTFail("expected a QueryError, got \(String(describing: error))", file: file, line: line)
            return nil
        }
        XCTAssertEqual(error.sql, sql, file: file, line: line)
        return error.refusal
    }

    func testAverageAgeByOccupationIsComputedOnEveryRowOfThePod() async throws {
        let fixture = try fixture()
        var sums: [String?: (total: Double, count: Int)] = [:]
        for row in fixture.rows {
            let occupation = row["occupation"] ?? nil
            let age = Double((row["age"] ?? nil) ?? "") ?? .nan
            sums[occupation, default: (0, 0)].total += age
            sums[occupation, default: (0, 0)].count += 1
        }
        // The demo gives every category at least the minimum group size in every pod, so the
        // tutorial's query is answered as written.
        let smallest = try XCTUnwrap(sums.values.map(\.count).min())
        XCTAssertGreaterThanOrEqual(smallest, 5)

        let alice = try fixture.hub.identity(named: DemoFederation.secondUser)
        let results = try await Modeller(hub: fixture.hub, identity: alice).query(
            "SELECT occupation, AVG(age), COUNT(*) AS n FROM df GROUP BY occupation ORDER BY occupation",
            on: ["census-income-demo"])
        XCTAssertEqual(results.count, 1)
        let result = results[0]
        XCTAssertEqual(result.pod.description, "olivia/census-income-demo")
        XCTAssertEqual(result.columns, ["occupation", "AVG(age)", "n"])
        XCTAssertEqual(result.rows.count, sums.count)
        XCTAssertGreaterThan(result.rows.count, 10)
        for cells in result.rows {
            let key: String? = { if case let .text(text) = cells[0] { return text } else { return nil } }()
            guard let expected = sums[key] else { return XCTFail("no occupation \(cells[0]) in the CSV") }
            XCTAssertEqual(cells[1].number ?? .nan, expected.total / Double(expected.count), accuracy: 1e-9, "\(cells[0])")
            XCTAssertEqual(cells[2], .integer(Int64(expected.count)), "\(cells[0])")
        }
        XCTAssertEqual(result.smallestGroup, sums.values.map(\.count).min())
    }

    func testAWholeTableAggregateWithTypedColumns() async throws {
        let fixture = try fixture()
        let results = try await Modeller(hub: fixture.hub, identity: fixture.owner).query(
            "select count(*), sum(\"hours-per-week\"), avg(\"capital-gain\" > 0), typeof(min(age)) from df where gender = 'Female';",
            on: ["census-income-demo"])
        let women = fixture.rows.filter { ($0["gender"] ?? nil) == "Female" }
        let hours = women.reduce(0) { $0 + (Int((($1["hours-per-week"] ?? nil) ?? "")) ?? 0) }
        let gains = women.filter { (Double((($0["capital-gain"] ?? nil) ?? "")) ?? 0) > 0 }.count
        XCTAssertEqual(results[0].rows.count, 1)
        XCTAssertEqual(results[0].rows[0][0], .integer(Int64(women.count)))
        XCTAssertEqual(results[0].rows[0][1], .integer(Int64(hours)))
        XCTAssertEqual(results[0].rows[0][2].number ?? .nan, Double(gains) / Double(women.count), accuracy: 1e-12)
        XCTAssertEqual(results[0].rows[0][3], .text("integer"))
    }

    func testAliasesAndPositionsNameGroupKeys() async throws {
        let fixture = try fixture()
        let modeller = Modeller(hub: fixture.hub, identity: fixture.owner)
        let byPosition = try await modeller.query("SELECT gender AS g, COUNT(*) AS n FROM df GROUP BY 1 HAVING n > 0 ORDER BY g",
                                                  on: ["census-income-demo"])
        let byAlias = try await modeller.query("SELECT gender g, COUNT(*) n FROM df GROUP BY g ORDER BY g", on: ["census-income-demo"])
        let men = fixture.rows.filter { ($0["gender"] ?? nil) == "Male" }.count
        XCTAssertEqual(byPosition[0].rows, [[.text("Female"), .integer(Int64(fixture.rows.count - men))], [.text("Male"), .integer(Int64(men))]])
        XCTAssertEqual(byAlias[0].rows, byPosition[0].rows)
    }

    func testGroupsSmallerThanTheMinimumAreRefused() async throws {
        let fixture = try fixture()
        var counts: [String: Int] = [:]
        for row in fixture.rows { counts[(row["age"] ?? nil) ?? "", default: 0] += 1 }
        let smallest = try XCTUnwrap(counts.values.min())
        XCTAssertLessThan(smallest, 5)
        let refusal = try await refusal("SELECT age, COUNT(*) FROM df GROUP BY age")
        XCTAssertEqual(refusal, .groupTooSmall(smallest: smallest, minimum: 5))
        XCTAssertEqual(refusal?.reason, "the smallest group of the result has \(smallest) row\(smallest == 1 ? "" : "s"); "
                       + "the pod answers only groups of at least 5 rows")

        let rare = try XCTUnwrap(counts.first { $0.value == smallest }?.key)
        let narrowed = try await self.refusal("SELECT AVG(\"hours-per-week\") FROM df WHERE age = \(rare)")
        XCTAssertEqual(narrowed, .groupTooSmall(smallest: smallest, minimum: 5))

        let log = try fixture.hub.auditLog(for: fixture.demo.pods[0].identifier)
        XCTAssertEqual(log.last?.accepted, false)
        XCTAssertEqual(log.last?.reason, "refused the query: " + (narrowed?.reason ?? ""))
    }

    func testThePodsMinimumGroupSizeIsItsOwn() async throws {
        let (hub, owner, _) = try makeHub()
        let spec = PodSpec(name: "small", owner: owner.name, dataPath: try file(Self.smallCSV), minimumGroupSize: 3)
        let pod = try hub.createPod(spec).identifier
        let modeller = Modeller(hub: hub, identity: owner)
        let result = try await modeller.query("SELECT gender, AVG(hours) FROM df GROUP BY gender ORDER BY gender", on: [pod.description])
        XCTAssertEqual(result[0].rows, [[.text("Female"), .real(31)], [.text("Male"), .real(125.0 / 3)]])
        let error = await asyncError { try await modeller.query("SELECT hours, COUNT(*) FROM df GROUP BY hours", on: [pod.description]) }
        XCTAssertEqual((error as? QueryError)?.refusal, .groupTooSmall(smallest: 1, minimum: 3))
    }

    func testOnlyOneAggregatingSelectRuns() async throws {
        let cases: [(String, QueryRefusal)] = [
            ("DELETE FROM df", .notASelect(found: "DELETE")),
            ("PRAGMA table_info(df)", .notASelect(found: "PRAGMA")),
            ("ATTACH DATABASE ':memory:' AS other", .notASelect(found: "ATTACH")),
            ("SELECT COUNT(*) FROM df; DROP TABLE df", .multipleStatements),
            ("SELECT * FROM df", .unsupported(construct: "*", why: "it returns every column of every row")),
            ("SELECT age FROM df", .notAggregated(column: "age")),
            ("SELECT 1 FROM df", .noAggregate),
            ("SELECT COUNT(*)", .noTable),
            ("SELECT occupation, age, COUNT(*) FROM df GROUP BY occupation", .notAggregated(column: "age")),
            ("SELECT occupation, MAX(age, 0) FROM df GROUP BY occupation", .notAggregated(column: "age")),
            ("SELECT occupation, NOT age FROM df GROUP BY occupation", .notAggregated(column: "age")),
            ("SELECT AVG(age) OVER () FROM df", .unsupported(construct: "OVER", why: "window functions return a value per row")),
            ("SELECT SUM(age) FILTER (WHERE age > 80) FROM df", .unsupported(construct: "FILTER", why: "it narrows an aggregate to chosen rows")),
            ("SELECT COUNT(*) FROM df UNION SELECT age FROM df", .compoundSelect(operator: "UNION")),
        ]
        for (sql, expected) in cases {
            let refusal = try await refusal(sql)
            XCTAssertEqual(refusal, expected, sql)
        }
    }

    func testInvalidSQLIsReportedWithTheQueryAndASuggestion() async throws {
        let syntax = try await refusal("SELECT occupation, AVG(age) FORM df GROUP BY occupation")
        XCTAssertEqual(syntax, .invalidSQL(message: "near \"df\": syntax error", suggestion: nil))
        let unknown = try await refusal("SELECT occupaton, COUNT(*) FROM df GROUP BY occupaton")
        XCTAssertEqual(unknown, .invalidSQL(message: "no such column: occupaton", suggestion: "occupation"))
        let error = QueryError(pod: try PodIdentifier(parsing: "olivia/census-income-demo"),
                               sql: "SELECT occupaton, COUNT(*) FROM df GROUP BY occupaton", refusal: try XCTUnwrap(unknown))
        XCTAssertEqual(error.description, """
            pod 'census-income-demo' refused the query: the query is not valid SQL: no such column: occupaton
              query: SELECT occupaton, COUNT(*) FROM df GROUP BY occupaton
            help: did you mean 'occupation'? the pod's table is 'df', with the columns its schema lists
            """)
    }

    func testARoleThatDoesNotAllowSQLIsRefusedByThePod() async throws {
        let fixture = try fixture()
        let viewer = try fixture.hub.identity(named: "sam")
        let pod = fixture.demo.pods[0].identifier
        try fixture.hub.grant(.schemaViewer, to: viewer.name, on: pod, by: fixture.owner)
        let error = await asyncError {
            try await Modeller(hub: fixture.hub, identity: viewer).query("SELECT COUNT(*) FROM df", on: ["census-income-demo"])
        }
        let denied = try XCTUnwrap(error as? AccessDenied)
        XCTAssertEqual(denied.refusals.map(\.rejection),
                       [.insufficientPermissions(task: .sql, held: [.schemaViewer], needed: .generalModeller, owner: "olivia")])
        XCTAssertEqual(denied.message, "pod 'census-income-demo' refused the sql task: "
                       + "permissions insufficient: schema_viewer does not allow sql tasks; general_modeller does")
        let entry = try XCTUnwrap(try fixture.hub.auditLog(for: pod).last)
        XCTAssertEqual(entry.modeller, "sam")
        XCTAssertEqual(entry.taskKind, .sql)
        XCTAssertFalse(entry.accepted)
    }

    func testAnAnsweredQueryIsAudited() async throws {
        let fixture = try fixture()
        let pod = fixture.demo.pods[0].identifier
        let results = try await Modeller(hub: fixture.hub, identity: fixture.owner).query("SELECT COUNT(*) FROM df", on: ["census-income-demo"])
        let entries = try fixture.hub.auditLog(for: pod).suffix(2)
        XCTAssertEqual(entries.map(\.accepted), [true, true])
        XCTAssertEqual(entries.map(\.taskKind), [.sql, .sql])
        XCTAssertEqual(entries.last?.reason, "answered the query with 1 aggregate row, smallest group \(fixture.rows.count) rows")
        XCTAssertEqual(results[0].rows, [[.integer(Int64(fixture.rows.count))]])
    }
}

/// The failing connection of the training tests forwards queries too.
extension FailingConnection {
    func query(_ task: QueryRequest) async throws -> QueryResponse { try await base.query(task) }
}
