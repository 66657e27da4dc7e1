#if canImport(FoundationXML)
import FoundationXML
#endif
import Federation
import Foundation
@testable import Interpreter
import Language
import XCTest

/// What a notebook shows for values, charts and errors: HTML tables with the same cells as the
/// terminal's text, SVG charts that are well-formed XML, and the schema comparison as a table.
final class RichDisplayTests: XCTestCase {
    // MARK: - Tables

    func testATableValueHasHTMLWithTheSameCellsAsItsText() throws {
        let approvals = PlainTextTable(headers: ["pod", "north", "south"], rows: [["north", "·", "yes"], ["south", "NO", "·"]])
        let table = TableObject(title: "chosen pods:",
                                table: PlainTextTable(headers: ["pod", "your role", "train"],
                                                      rows: [["alice/north", "super_modeller", "accepted"],
                                                             ["alice/south", "none", "refused: no role"]]),
                                footer: [.text("approvals (row approves column):"), .table(approvals)])
        let context = DisplayContext(width: 100)
        let bundle = RichDisplay.bundle(for: .object(table), in: context)
        XCTAssertEqual(Set(bundle.keys), ["text/plain", "text/html"])
        XCTAssertEqual(bundle["text/plain"], Value.object(table).repr(in: context))

        let html = try XMLTree(try XCTUnwrap(bundle["text/html"]))
        let tables = html.root.all("table")
        XCTAssertEqual(tables.count, 2)
        XCTAssertEqual(tables.map { $0.attributes["class"] }, ["dataframe", "dataframe"])
        let text = try XCTUnwrap(bundle["text/plain"])
        for element in tables {
            let (headers, rows) = try cells(of: element)
            // The cells read from the HTML, laid out as the terminal lays out a table, are in the text.
            XCTAssertTrue(text.contains(PlainTextTable(headers: headers, rows: rows).rendered()), "\(headers) \(rows) in\n\(text)")
        }
        XCTAssertEqual(try cells(of: tables[1]).rows, approvals.rows)
        XCTAssertEqual(html.root.all("p").map(\.text), ["chosen pods:", "approvals (row approves column):"])
    }

    func testTextInTablesIsEscapedAndLosesTerminalColour() throws {
        let nasty = "<script>alert(\"x\")</script> & 'y'"
        let table = TableObject(title: "a <b>title</b>", table: PlainTextTable(headers: ["<th>"], rows: [[nasty], ["\u{1B}[31mred\u{1B}[0m"]]))
        let html = try XCTUnwrap(RichDisplay.bundle(for: .object(table), in: DisplayContext())["text/html"])
        XCTAssertFalse(html.contains("<script"), html)
        XCTAssertFalse(html.contains("<b>"), html)
        XCTAssertFalse(html.contains("\u{1B}"), html)
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"), html)
        let tree = try XMLTree(html)
        let (headers, rows) = try cells(of: try XCTUnwrap(tree.root.all("table").first))
        XCTAssertEqual(headers, ["<th>"])
        XCTAssertEqual(rows, [[nasty], ["red"]])
        XCTAssertEqual(tree.root.all("p").map(\.text), ["a <b>title</b>"])
    }

    func testASchemaShowsItsTitleAndTableAndValuesThatAreNotTablesHaveOnlyText() throws {
        let schema = SchemaObject(.pod(PodSchema(pod: try PodIdentifier(owner: "alice", name: "north"), schema: northSchema)))
        let context = DisplayContext(width: 80)
        let bundle = RichDisplay.bundle(for: .object(schema), in: context)
        XCTAssertEqual(bundle["text/plain"], schema.display(in: context))
        let tree = try XMLTree(try XCTUnwrap(bundle["text/html"]))
        XCTAssertEqual(tree.root.all("p").map(\.text), ["schema of alice/north: 100 rows (train 80, validation 10, test 10)"])
        let (headers, rows) = try cells(of: try XCTUnwrap(tree.root.all("table").first))
        XCTAssertEqual(headers, ["column", "dtype", "stype", "nulls", "values"])
        XCTAssertEqual(rows, SchemaObject.fitted(northSchema.summaryTable, width: 80).rows)
        XCTAssertTrue(bundle["text/plain", default: ""].hasSuffix(PlainTextTable(headers: headers, rows: rows).rendered()))

        for value: Value in [.int(3), .string("<b>"), .list([.object(schema)]), .none,
                             .object(DataStructureObject(try DataStructure(target: "TARGET")))] {
            XCTAssertEqual(RichDisplay.bundle(for: value, in: context), ["text/plain": value.repr(in: context)])
        }
    }

    func testQueryResultsAtSeveralPodsAreOneTableEachWithABlankLineBetweenInText() throws {
        let first = TableObject(title: "query result at alice/north:", table: PlainTextTable(headers: ["n"], rows: [["10"]]))
        let second = TableObject(title: "query result at alice/south:", table: PlainTextTable(headers: ["n"], rows: [["12"]]))
        let results = QueryResultsObject([("alice/north", [], first), ("alice/south", [], second)])
        let bundle = RichDisplay.bundle(for: .object(results), in: DisplayContext())
        XCTAssertEqual(bundle["text/plain"], "query result at alice/north:\nn\n--\n10\n\nquery result at alice/south:\nn\n--\n12")
        let tree = try XMLTree(try XCTUnwrap(bundle["text/html"]))
        XCTAssertEqual(try tree.root.all("table").map { try cells(of: $0).rows }, [[["10"]], [["12"]]])
        XCTAssertEqual(tree.root.all("p").map(\.text), ["query result at alice/north:", "query result at alice/south:"])
    }

    // MARK: - Charts

    func testAChartIsOneStandaloneSVGDocumentWithEverySeries() throws {
        let chart = MetricsChart(title: "validation <metrics> per round",
                                 series: [("AUC", [0.71, 0.78, 0.8125]), ("F1", [0.4, .nan, 0.55]), ("Brier & loss", [0.2, 0.18, 0.17])])
        let svg = RichDisplay.svg(chart)
        let tree = try XMLTree(svg)
        XCTAssertEqual(tree.root.name, "svg")
        XCTAssertEqual(tree.root.attributes["xmlns"], "http://www.w3.org/2000/svg")
        XCTAssertNotNil(tree.root.attributes["viewBox"])
        let texts = tree.root.all("text").map(\.text)
        XCTAssertEqual(texts.first, "validation <metrics> per round")
        for name in ["AUC", "F1", "Brier & loss"] { XCTAssertTrue(texts.contains(name), "\(name) in \(texts)") }
        XCTAssertEqual(texts.filter { $0 == "round" }.count, 3, "each panel labels its rounds")
        for round in ["1", "2", "3"] { XCTAssertEqual(texts.filter { $0 == round }.count, 3, "round \(round) on every panel") }
        XCTAssertTrue(texts.contains("0.80"), "round numbers on the AUC axis: \(texts)")
        // The missing F1 of round 2 is a gap: F1 has no line of two points, only its dots.
        XCTAssertEqual(tree.root.all("polyline").count, 2)
        XCTAssertEqual(tree.root.all("circle").count, 8)
        XCTAssertTrue(tree.root.all("circle").map(\.text).contains("AUC, round 3: 0.8125"))
    }

    func testChartsOfOneRoundManyRoundsNoValuesAndNoSeriesAreWellFormed() throws {
        let many = (1...40).map { 0.5 + Double($0) / 100 }
        for chart in [MetricsChart(title: "one", series: [("AUC", [0.8])]), MetricsChart(title: "many", series: [("AUC", many)]),
                      MetricsChart(title: "flat", series: [("AUC", [0.5, 0.5])]),
                      MetricsChart(title: "none", series: [("AUC", [.nan, .infinity])]), MetricsChart(title: "empty", series: [])] {
            let tree = try XMLTree(RichDisplay.svg(chart))
            XCTAssertEqual(tree.root.name, "svg", chart.title)
            if chart.title == "many" {
                let rounds = tree.root.all("text").compactMap { Int($0.text) }
                XCTAssertEqual(rounds, [1, 10, 20, 30, 40], "about five round numbers, at a round step")
            }
            if chart.title == "flat" {
                XCTAssertTrue(tree.root.all("text").map(\.text).contains("0.50"), "a flat series still gets an axis around its value")
            }
        }
    }

    func testValueScalesStepByOneTwoOrFiveTimesAPowerOfTen() {
        XCTAssertEqual(ValueScale.niceStep(0.013), 0.02, accuracy: 1e-12)
        XCTAssertEqual(ValueScale.niceStep(0.04), 0.05, accuracy: 1e-12)
        XCTAssertEqual(ValueScale.niceStep(7), 10, accuracy: 1e-12)
        let scale = ValueScale(low: 0.712, high: 0.8125)
        XCTAssertEqual(scale.ticks.map(scale.label), ["0.70", "0.75", "0.80", "0.85"])
        XCTAssertLessThanOrEqual(scale.low, 0.712)
        XCTAssertGreaterThanOrEqual(scale.high, 0.8125)
    }

    // MARK: - Errors

    func testTheSchemaComparisonErrorIsATableOfWhatEachPodHas() throws {
        let north = PodSchema(pod: try PodIdentifier(owner: "alice", name: "north"), schema: northSchema)
        let south = PodSchema(pod: try PodIdentifier(owner: "alice", name: "south"), schema: TableSchema(
            name: "south", columns: [category("TARGET", ["<=50K", ">50K"]), category("gender", ["Female", "Male", "Unspecified"]),
                                     ColumnSchema(name: "age", dataType: .string, semanticType: .text, nullCount: 0, categories: nil)],
            ignoredColumns: [], rowCount: 50, splits: SplitCounts(train: 40, validation: 5, test: 5)))
        let structure = try DataStructure(target: "TARGET", selectedColumns: ["gender", "age", "hours"])
        let failure: SchemaVerificationError
        do {
            _ = try SchemaVerifier.combine([north, south], dataStructure: structure)
            return XCTFail("the schemas should not combine")
        } catch {
            failure = error
        }
        let html = try XCTUnwrap(RichDisplay.html(for: RuntimeError(failure)))
        XCTAssertFalse(html.contains("<script"))
        let tree = try XMLTree(html)
        let table = try XCTUnwrap(tree.root.all("table").first)
        let (headers, rows) = try cells(of: table)
        XCTAssertEqual(headers.first, "pod")
        XCTAssertEqual(Set(headers.dropFirst()), ["gender", "age", "hours"])
        XCTAssertEqual(rows.map(\.first), ["north", "south", "differs"])
        func cell(_ pod: Int, _ column: String) throws -> String { rows[pod][try XCTUnwrap(headers.firstIndex(of: column))] }
        XCTAssertEqual(try cell(0, "gender"), "Female, Male")
        XCTAssertEqual(try cell(1, "gender"), "Female, Male, Unspecified")
        XCTAssertEqual(try cell(2, "gender"), "only in south: Unspecified")
        XCTAssertEqual(try cell(0, "hours"), "has it")
        XCTAssertEqual(try cell(1, "hours"), "missing")
        XCTAssertEqual(try cell(2, "hours"), "missing at south")
        XCTAssertEqual(try cell(0, "age"), "continuous (int64)")
        XCTAssertEqual(try cell(1, "age"), "text (string)")
        // What differs is marked: the value only one pod has, the column a pod lacks.
        XCTAssertEqual(table.all("mark").map(\.text).sorted(), ["Unspecified", "missing"])
        let paragraphs = tree.root.all("p").map(\.text)
        XCTAssertTrue(paragraphs.contains("error: pods disagree on categorical column 'gender'"), "\(paragraphs)")
        XCTAssertTrue(paragraphs.contains { $0.hasPrefix("help: drop the column with datastructure(ignore_cols=[\"gender\"])") }, "\(paragraphs)")
    }

    func testOtherErrorsHaveNoHTML() throws {
        XCTAssertNil(RichDisplay.html(for: RuntimeError("unknown name 'x'")))
        XCTAssertNil(RichDisplay.html(for: RuntimeError(DataStructureError.selectedAndIgnored)))
        // A schema error about a column no pod has is no comparison of pods: its text says it all.
        let north = PodSchema(pod: try PodIdentifier(owner: "alice", name: "north"), schema: northSchema)
        let unknownColumn = try DataStructure(selectedColumns: ["nope"])
        do {
            _ = try SchemaVerifier.combine([north], dataStructure: unknownColumn)
            XCTFail("an unknown column should be refused")
        } catch {
            XCTAssertNil(RichDisplay.html(for: RuntimeError(error)))
        }
    }

    // MARK: - Support

    private var northSchema: TableSchema {
        TableSchema(name: "north", columns: [category("TARGET", ["<=50K", ">50K"]), category("gender", ["Female", "Male"]),
                                             ColumnSchema(name: "age", dataType: .integer, semanticType: .continuous, nullCount: 2, categories: nil),
                                             ColumnSchema(name: "hours", dataType: .integer, semanticType: .continuous, nullCount: 0, categories: nil)],
                    ignoredColumns: [], rowCount: 100, splits: SplitCounts(train: 80, validation: 10, test: 10))
    }

    private func category(_ name: String, _ values: [String]) -> ColumnSchema {
        ColumnSchema(name: name, dataType: .string, semanticType: .categorical, nullCount: 0,
                     categories: values.map { CategoryCount(value: $0, count: 10) })
    }
}

/// The header cells and the rows of an HTML table, each cell's text.
func cells(of table: XMLTree.Element) throws -> (headers: [String], rows: [[String]]) {
    let head = try XCTUnwrap(table.all("thead").first)
    let body = try XCTUnwrap(table.all("tbody").first)
    let headers = head.all("th").map(\.text)
    let rows = body.all("tr").map { row in row.children.filter { $0.name == "td" || $0.name == "th" }.map(\.text) }
    return (headers, rows)
}

/// A document read with XMLParser (what a browser would refuse to read is refused here too):
/// its elements, their attributes and the text inside each.
final class XMLTree: NSObject, XMLParserDelegate {
    final class Element {
        let name: String
        let attributes: [String: String]
        var children: [Element] = []
        /// All the text inside the element, its children's included.
        var text = ""

        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }

        /// The elements named `name` inside this one, in document order.
        func all(_ name: String) -> [Element] {
            children.flatMap { ($0.name == name ? [$0] : []) + $0.all(name) }
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var root = Element(name: "", attributes: [:])
    private var stack: [Element] = []

    init(_ text: String) throws {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        guard parser.parse(), let first = root.children.first else {
            throw Malformed(description: "not well-formed XML (\(parser.parserError.map { "\($0)" } ?? "no element")):\n\(text)")
        }
        root = first
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let element = Element(name: elementName, attributes: attributes)
        (stack.last ?? root).children.append(element)
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        for element in stack { element.text += string }
    }
}

/// Rich display of what the workflow really returns, on the demo federation in a scratch home.
final class RichDisplaySessionTests: ScratchHomeTestCase {
    /// Runs the one statement of `text` and returns the error it throws.
    private func error(of text: String, in session: Session) async throws -> RuntimeError {
        let statements = session.parse(SourceFile(name: nil, text: text)).statements
        XCTAssertEqual(statements.count, 1)
        do {
            _ = try await session.execute(try XCTUnwrap(statements.first))
        } catch let error as RuntimeError {
            return error
        }
        throw XMLTree.Malformed(description: "'\(text)' did not fail")
    }

    func testTheMismatchOfTutorialFiveIsATableInTheNotebook() async throws {
        let (session, _) = session()
        let failure = try await error(of: "combine_pod_schemas([\"census-income-demo\", \"census-income-other\"])", in: session)
        XCTAssertEqual(failure.message, "pods disagree on categorical column 'gender'")
        let tree = try XMLTree(try XCTUnwrap(RichDisplay.html(for: failure)))
        let (headers, rows) = try cells(of: try XCTUnwrap(tree.root.all("table").first))
        XCTAssertEqual(headers, ["pod", "gender"])
        XCTAssertEqual(rows, [["census-income-demo", "Female, Male"], ["census-income-other", "Female, Male, Unspecified"],
                              ["differs", "only in census-income-other: Unspecified"]])
        XCTAssertEqual(tree.root.all("mark").map(\.text), ["Unspecified"])
    }

    func testAccessReportsSchemasResultsAndTheirChartHaveRichForms() async throws {
        let (session, output) = session()
        let outcome = await session.runCell("""
        access = check_access(["census-income-demo", "census-income-yaml-demo"], task="train", aggregator="secure")
        ds = DataStructure(target="TARGET")
        schema = combine_pod_schemas(["census-income-demo", "census-income-yaml-demo"])
        model = PyTorchTabularClassifier(datastructure=ds, schema=schema, steps=4, batch_size=64, hidden_layers=[8],
                                         optimizer=Optimizer(name="Adam", params={"lr": 0.01}))
        results = model.fit(pod_identifiers=["census-income-demo", "census-income-yaml-demo"], steps_between_parameter_updates=2,
                            auto_eval=False)
        """)
        XCTAssertEqual(outcome, .success, output.standardError)
        let context = session.displayContext

        let access = try XCTUnwrap(session.value(of: "access"))
        let accessTables = try XMLTree(try XCTUnwrap(RichDisplay.bundle(for: access, in: context)["text/html"])).root.all("table")
        XCTAssertEqual(accessTables.count, 2, "the answers and the approvals")
        XCTAssertEqual(try cells(of: accessTables[0]).rows.map(\.last), ["accepted", "accepted"])

        let schema = try XCTUnwrap(session.value(of: "schema"))
        let schemaBundle = RichDisplay.bundle(for: schema, in: context)
        let schemaTable = try XCTUnwrap(try XMLTree(try XCTUnwrap(schemaBundle["text/html"])).root.all("table").first)
        let (headers, rows) = try cells(of: schemaTable)
        XCTAssertTrue(try XCTUnwrap(schemaBundle["text/plain"]).contains(PlainTextTable(headers: headers, rows: rows).rendered()))
        XCTAssertTrue(rows.contains { $0.first == "gender" })

        let results = try XCTUnwrap(session.value(of: "results"))
        let resultsTree = try XMLTree(try XCTUnwrap(RichDisplay.bundle(for: results, in: context)["text/html"]))
        let resultCells = try cells(of: try XCTUnwrap(resultsTree.root.all("table").first))
        XCTAssertEqual(resultCells.headers, ["round", "AUC", "F1", "Recall", "Precision", "Accuracy", "Brier loss", "Validation loss"])
        XCTAssertEqual(resultCells.rows.map(\.first), ["1", "2"])
        XCTAssertEqual(resultsTree.root.all("p").count, 1, "the sparklines")

        let chart = try XCTUnwrap(session.notebook.cells.last?.charts.first)
        let svg = try XMLTree(RichDisplay.svg(chart))
        let texts = svg.root.all("text").map(\.text)
        for name in resultCells.headers.dropFirst() { XCTAssertTrue(texts.contains(name), name) }
        XCTAssertEqual(svg.root.all("polyline").count, 7)
    }
}
