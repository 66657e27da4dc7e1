import Federation
import Foundation
import Interpreter
import Language
import XCTest

/// `SqlQuery(…).execute(…)` from the language, on the demo federation in a scratch home:
/// results against the demo's CSV, and the pods' refusals as the user reads them.
final class QueryBuiltinsTests: ScratchHomeTestCase {
    /// The ages of census-income-demo's rows whose occupation is `occupation`, read from its CSV.
    private func ages(of occupation: String) throws -> [Double] {
        let csv = Self.home.appendingPathComponent("demo/census-income-demo.csv")
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = try XCTUnwrap(lines.first)
        let age = try XCTUnwrap(header.firstIndex(of: "age"))
        let column = try XCTUnwrap(header.firstIndex(of: "occupation"))
        return lines.dropFirst().filter { $0[column] == occupation }.compactMap { Double($0[age]) }
    }

    func testTheTutorialQueryRunsAtThePod() async throws {
        let (outcome, output) = await run("""
        r = SqlQuery("SELECT occupation, AVG(age) AS mean_age, COUNT(*) AS n FROM df GROUP BY occupation HAVING COUNT(*) >= 5 ORDER BY occupation").execute(pod_identifiers=["census-income-demo"])
        r
        s = SqlQuery(query="SELECT COUNT(*) AS n, AVG(age) AS mean_age FROM df WHERE occupation = 'Sales'").execute(["census-income-demo"])
        print(s.rows[0]["n"], s.rows[0]["mean_age"])
        """)
        XCTAssertEqual(outcome, .success, output.standardError)
        let ages = try ages(of: "Sales")
        var mean = String(format: "%.6f", ages.reduce(0, +) / Double(ages.count))
        while mean.hasSuffix("0") { mean.removeLast() }
        XCTAssertTrue(output.standardOutput.hasSuffix("\(ages.count) \(mean)\n"), output.standardOutput)
        XCTAssertTrue(output.standardOutput.hasPrefix("query result at owner/census-income-demo, smallest group "), output.standardOutput)
        XCTAssertTrue(output.standardOutput.contains("occupation"), output.standardOutput)
        XCTAssertTrue(output.standardOutput.contains("Sales"), output.standardOutput)
    }

    func testTheChosenPodsAreTheDefaultAndEachGetsATable() async {
        let (outcome, output) = await run("""
        pods "census-income-demo", "census-income-yaml-demo"
        results = SqlQuery("SELECT gender, COUNT(*) FROM df GROUP BY gender").execute()
        print(len(results), results[1].rows[0]["gender"])
        """)
        XCTAssertEqual(outcome, .success, output.standardError)
        XCTAssertTrue(output.standardOutput.hasSuffix("2 Female\n"), output.standardOutput)

        // Shown, the results are one table per pod, not a list.
        let (shown, shownOutput) = await run("""
        pods "census-income-demo", "census-income-yaml-demo"
        results = SqlQuery("SELECT gender, COUNT(*) AS n FROM df GROUP BY gender").execute()
        results
        print(results["census-income-yaml-demo"].rows[1]["gender"], results.pods)
        """)
        XCTAssertEqual(shown, .success, shownOutput.standardError)
        let text = shownOutput.standardOutput
        XCTAssertTrue(text.contains("\nquery result at owner/census-income-demo, smallest group "), "no Python-style list:\n\(text)")
        XCTAssertTrue(text.contains("\n\nquery result at owner/census-income-yaml-demo, smallest group "), text)
        XCTAssertTrue(text.hasSuffix("Male ['owner/census-income-demo', 'owner/census-income-yaml-demo']\n"), text)
    }

    func testSmallGroupsAndNonSelectsAreRefusedWithTheQuery() async {
        let (outcome, output) = await run("SqlQuery(\"SELECT age, COUNT(*) FROM df GROUP BY age\").execute([\"census-income-demo\"])")
        XCTAssertEqual(outcome, .runtimeError)
        XCTAssertTrue(output.standardError.contains("error: pod 'census-income-demo' refused the query: a group of the result has fewer rows than the pod's minimum group size of 5"),
                      output.standardError)
        XCTAssertTrue(output.standardError.contains("query: SELECT age, COUNT(*) FROM df GROUP BY age"), output.standardError)
        XCTAssertTrue(output.standardError.contains("help: leave small groups out with HAVING COUNT(*) >= 5"), output.standardError)

        let (deleting, deleteOutput) = await run("SqlQuery(\"DELETE FROM df\").execute([\"census-income-demo\"])")
        XCTAssertEqual(deleting, .runtimeError)
        XCTAssertTrue(deleteOutput.standardError.contains("refused the query: only a SELECT may run at a pod, not 'DELETE'"),
                      deleteOutput.standardError)
    }

    func testSyntaxErrorsShowSQLitesMessage() async {
        let (outcome, output) = await run("SqlQuery(\"SELECT COUNT(* FROM df\").execute([\"census-income-demo\"])")
        XCTAssertEqual(outcome, .runtimeError)
        XCTAssertTrue(output.standardError.contains("refused the query: the query is not valid SQL: near \"FROM\": syntax error"),
                      output.standardError)
        XCTAssertTrue(output.standardError.contains("query: SELECT COUNT(* FROM df"), output.standardError)
    }

    func testASchemaViewerIsRefusedByThePod() async {
        _ = await run("pods")
        _ = await run("whoami()", user: "vic")
        let (granted, grantOutput) = await run("grant(\"census-income-demo\", \"schema_viewer\", \"vic\")")
        XCTAssertEqual(granted, .success, grantOutput.standardError)
        let (outcome, output) = await run("SqlQuery(\"SELECT COUNT(*) FROM df\").execute([\"census-income-demo\"])", user: "vic")
        XCTAssertEqual(outcome, .runtimeError)
        XCTAssertTrue(output.standardError.contains(
            "error: pod 'census-income-demo' refused the sql task: permissions insufficient: schema_viewer does not allow sql tasks; general_modeller does"),
                      output.standardError)
    }
}
