import BFTestSupport
import Foundation
import XCTest

/// Data problems never pass in silence (issue 17): one word in a column of numbers is
/// reported when the pod is created and stops the schemas from combining; a model says which
/// columns it reads and skips; a pod whose categories the model does not know points to the
/// schema, not to running again.
final class DataTrustTests: XCTestCase {
    private var environment: TestEnvironment!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
    }

    override func tearDown() {
        environment = nil
    }

    private var folder: URL { environment.directory }
    private var home: URL { folder.appendingPathComponent(".bf") }

    private func bf(_ arguments: [String]) throws -> BFRun {
        try BFBinary.locate().run(arguments, environment: environment.variables(), in: folder, timeout: 60)
    }

    private func write(_ text: String, _ name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testOneWordAmongTheDemosAgesIsReportedAndCombiningWithTheDemoRefuses() throws {
        let demo = try bf(["demo"])
        XCTAssertEqual(demo.status, 0, demo.standardError)
        // The demo's second pod, with line 5's age written as a word.
        let csv = try String(contentsOf: home.appendingPathComponent("demo/census-income-yaml-demo.csv"), encoding: .utf8)
        var lines = csv.components(separatedBy: "\n")
        let fields = lines[4].split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(Int(fields[0]) != nil, true, lines[4])
        lines[4] = (["thirty"] + fields.dropFirst()).joined(separator: ",")
        let data = try write(lines.joined(separator: "\n"), "thirty.csv")
        let yaml = try String(contentsOf: home.appendingPathComponent("demo/census-income-yaml-demo.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "census-income-yaml-demo", with: "thirty")
        XCTAssertTrue(yaml.contains("path: thirty.csv"), yaml)
        let pod = try write(yaml, "thirty.yaml")

        let create = try bf(["pod", "create", pod])
        XCTAssertEqual(create.status, 0, create.standardError)
        XCTAssertEqual(create.standardError, """
            note: \(data): column 'age': 22,610 numbers and 1 other value ('thirty'): treated as text, not continuous (line 5)
            help: fix line 5, or list 'thirty' in missing_values to read it as missing; to keep the column text on purpose, force it with force_stypes

            """)

        let combine = try bf(["-c", "schema = combine_pod_schemas([\"census-income-demo\", \"thirty\"])"])
        XCTAssertEqual(combine.status, 70, combine.standardError)
        XCTAssertFalse(combine.standardOutput.contains("verified"), combine.standardOutput)
        XCTAssertTrue(combine.standardError.contains("""
            error: pods disagree on the type of column 'age'
            """), combine.standardError)
        XCTAssertTrue(combine.standardError.contains("""
              census-income-demo  continuous (int64)
              thirty              text (string)
            help: at 'thirty' some values are not numbers
            """), combine.standardError)
        XCTAssertTrue(combine.standardError.contains("datastructure(ignore_cols=[\"age\"])"), combine.standardError)

        // Left out on purpose, the column is named among those not used, and training goes on without it.
        let ignored = try bf(["-c", """
            ds = DataStructure(target="TARGET", ignore_cols=["age"])
            print(combine_pod_schemas(["census-income-demo", "thirty"], datastructure=ds))
            """])
        XCTAssertEqual(ignored.status, 0, ignored.standardError)
        XCTAssertTrue(ignored.standardOutput.contains("not used: age"), ignored.standardOutput)
    }

    /// Two small pods; `b`'s colours include one `a` lacks, and `id` is an identifier (text).
    private func smallPods() throws {
        for (name, colours) in [("a", ["red", "green"]), ("b", ["red", "green", "purple"])] {
            var csv = "age,colour,id,TARGET\n"
            for row in 0..<40 { csv += "\(20 + row),\(colours[row % colours.count]),id\(row),\(row % 2)\n" }
            _ = try write(csv, "\(name).csv")
            let yaml = try write("""
                pod_name: \(name)
                datasource: CSVSource
                data_config:
                  force_stypes:
                    \(name):
                      categorical: [TARGET]
                  datasource_args:
                    path: \(name).csv

                """, "\(name).yaml")
            let create = try bf(["pod", "create", yaml])
            XCTAssertEqual(create.status, 0, create.standardError)
            XCTAssertEqual(create.standardError, "")
        }
    }

    func testAModelSaysWhichColumnsItReadsAndAPodWhoseCategoriesItLacksPointsToTheSchema() throws {
        try smallPods()
        let script = try write("""
            schema = get_pod_schema("a")
            model = PyTorchTabularClassifier(datastructure=DataStructure(target="TARGET", table="a"), schema=schema,
                                             epochs=1, batch_size=8)
            model.fit(pod_identifiers=["b"])
            """, "fit.bf")
        let run = try bf(["run", script])
        XCTAssertEqual(run.status, 70, run.standardError)
        XCTAssertTrue(run.standardError.contains("""
            note: model inputs: 1 categorical (colour), 1 continuous (age); skipped: 1 text column (id): \
            the classifier reads only categorical and continuous columns
            """), run.standardError)
        XCTAssertTrue(run.standardError.contains("error: pod 'b' holds 'purple' in categorical column 'colour', which the model's encoder does not know"),
                      run.standardError)
        XCTAssertTrue(run.standardError.contains("help: build the model on the schema of every pod it trains on, combine_pod_schemas([…])"),
                      run.standardError)
        XCTAssertTrue(run.standardError.contains("DataStructure(ignore_cols=[\"colour\"])"), run.standardError)
        XCTAssertFalse(run.standardError.contains("require_all_pods"), run.standardError)
    }
}
