import XCTest
@testable import Federation

/// Semantic-type inference, its overrides, encoders and the split.
final class SchemaInferenceTests: FederationTestCase {
    private let text = """
        age,income,city,member,grade,id
        39,1000.5,Leeds,true,10,a1
        50,2000,York,False,2,a2
        38,?,Leeds,TRUE,10,a3
        53,1500.25,,false,1,a4

        """

    func testInferenceFromValues() throws {
        let schema = try load(text).schema
        let summary = schema.columns.map { "\($0.name) \($0.dataType.rawValue) \($0.semanticType.rawValue) \($0.nullCount)" }
        XCTAssertEqual(summary, ["age int64 continuous 0", "income float64 continuous 1", "city string text 1",
                                 "member bool categorical 0", "grade int64 continuous 0", "id string text 0"])
        XCTAssertEqual(schema.column(named: "member")?.categories,
                       [CategoryCount(value: "False", count: 2), CategoryCount(value: "True", count: 2)])
        XCTAssertNil(schema.column(named: "city")?.categories)
        XCTAssertEqual(schema.rowCount, 4)
    }

    func testStringsWithFewDistinctValuesAreCategoricalAndOthersText() throws {
        var text = "colour,id,note,label\n"
        for row in 0..<120 { text += "\(["red", "green", "blue"][row % 3]),id\(row),\(row % 50 == 0 ? "" : "n\(row % 60)"),\(row % 2)\n" }
        let schema = try load(text).schema
        XCTAssertEqual(schema.column(named: "colour")?.semanticType, .categorical)
        XCTAssertEqual(schema.column(named: "colour")?.categoryValues, ["blue", "green", "red"])
        XCTAssertEqual(schema.column(named: "id")?.semanticType, .text, "one value per row: an identifier")
        XCTAssertEqual(schema.column(named: "note")?.semanticType, .text, "more than 50 distinct values")
        XCTAssertEqual(schema.column(named: "label")?.semanticType, .continuous, "numbers stay continuous, as in Bitfount")
        // The bounds: at most 50 values, each on two rows on average (missing values not counted).
        XCTAssertTrue(ColumnTyping.isFewCategories(distinct: 50, rows: 100))
        XCTAssertFalse(ColumnTyping.isFewCategories(distinct: 51, rows: 10_000))
        XCTAssertFalse(ColumnTyping.isFewCategories(distinct: 3, rows: 5))
        XCTAssertFalse(ColumnTyping.isFewCategories(distinct: 0, rows: 0))
        // force_stypes still decides.
        let forced = try load(text, config: DataConfig(forceStypes: ["t": ForcedTypes(text: ["colour"])])).schema
        XCTAssertEqual(forced.column(named: "colour")?.semanticType, .text)
    }

    func testForceStypesAndIgnoreColsOverride() throws {
        let config = DataConfig(ignoreColumns: ["id"],
                                forceStypes: ["t": ForcedTypes(categorical: ["city", "grade"], text: ["age"])])
        let schema = try load(text, config: config).schema
        XCTAssertEqual(schema.columnNames, ["age", "income", "city", "member", "grade"])
        XCTAssertEqual(schema.ignoredColumns, ["id"])
        XCTAssertEqual(schema.column(named: "age")?.semanticType, .text)
        XCTAssertEqual(schema.column(named: "city")?.categories,
                       [CategoryCount(value: "Leeds", count: 2), CategoryCount(value: "York", count: 1)])
        XCTAssertEqual(schema.column(named: "city")?.nullCount, 1)
        // Numbers sort as numbers: 1 < 2 < 10, not "1" < "10" < "2".
        XCTAssertEqual(schema.column(named: "grade")?.categoryValues, ["1", "2", "10"])
    }

    func testEncoderMapsSortedValuesToCodes() throws {
        let dataset = try load(text, config: DataConfig(forceStypes: ["t": ForcedTypes(categorical: ["grade"])]))
        guard case let .categorical(codes, encoder)? = dataset.column(named: "grade")?.storage else {
            return XCTFail("grade is not categorical")
        }
        XCTAssertEqual(encoder.values, ["1", "2", "10"])
        XCTAssertEqual(encoder.code(for: "10"), 2)
        XCTAssertNil(encoder.code(for: "3"))
        XCTAssertEqual(codes, [2, 1, 2, 0])
        XCTAssertEqual(dataset.schema.column(named: "grade")?.encoder, encoder)
    }

    func testConfigurationErrorsNameTheColumnAndSuggest() throws {
        let url = try file(text)
        let unknown = error { try CSVSource.load(url, table: "t", config: DataConfig(ignoreColumns: ["incme"])) } as? DataConfigError
        XCTAssertEqual(unknown, .unknownColumn(path: url.path, setting: "ignore_cols", column: "incme", suggestion: "income"))
        XCTAssertEqual(unknown?.help, "did you mean 'income'?")
        let forced = DataConfig(forceStypes: ["t": ForcedTypes(categorical: ["City"])])
        XCTAssertEqual(error { try CSVSource.load(url, table: "t", config: forced) } as? DataConfigError,
                       .unknownColumn(path: url.path, setting: "force_stypes.t.categorical", column: "City", suggestion: "city"))
        let wrongTable = DataConfig(forceStypes: ["other": ForcedTypes(categorical: ["city"])])
        XCTAssertEqual(error { try CSVSource.load(url, table: "t", config: wrongTable) } as? DataConfigError,
                       .unknownTable(table: "other", expected: "t"))
        let twice = DataConfig(forceStypes: ["t": ForcedTypes(categorical: ["age"], continuous: ["age"])])
        XCTAssertEqual(error { try CSVSource.load(url, table: "t", config: twice) } as? DataConfigError,
                       .conflictingTypes(column: "age", types: [.categorical, .continuous]))
        let both = DataConfig(ignoreColumns: ["age"], forceStypes: ["t": ForcedTypes(categorical: ["age"])])
        XCTAssertEqual(error { try CSVSource.load(url, table: "t", config: both) } as? DataConfigError,
                       .ignoredAndForced(column: "age"))
    }

    func testSplitIsEightyTenTenAndFixedBySeed() {
        let split = DataSplit(rowCount: 1001, seed: 100)
        XCTAssertEqual(split.counts, SplitCounts(train: 800, validation: 100, test: 101))
        XCTAssertEqual(Set(split.train + split.validation + split.test), Set(0..<1001))
        XCTAssertEqual(split, DataSplit(rowCount: 1001, seed: 100))
        XCTAssertNotEqual(split.train, DataSplit(rowCount: 1001, seed: 101).train)
    }

    func testSchemaSplitCountsAndColumns() throws {
        let dataset = try load(text, config: DataConfig(ignoreColumns: ["id", "income", "city", "grade"], seed: 7))
        XCTAssertEqual(dataset.schema.splits, SplitCounts(train: 3, validation: 0, test: 1))
        XCTAssertEqual(dataset.schema.columns, [
            ColumnSchema(name: "age", dataType: .integer, semanticType: .continuous, nullCount: 0, categories: nil),
            ColumnSchema(name: "member", dataType: .boolean, semanticType: .categorical, nullCount: 0,
                         categories: [CategoryCount(value: "False", count: 2), CategoryCount(value: "True", count: 2)]),
        ])
    }
}
