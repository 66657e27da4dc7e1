import CSV
import Foundation
import XCTest
@testable import Federation

/// Reading CSV files: the format's corners, typing, missing values, errors.
final class CSVSourceTests: FederationTestCase {
    private func texts(_ dataset: Dataset, _ column: String) -> [String?] {
        switch dataset.column(named: column)?.storage {
        case let .text(codes, values)?: return codes.map { $0 < 0 ? nil : values[Int($0)] }
        case let .categorical(codes, encoder)?: return codes.map { $0 < 0 ? nil : encoder.values[Int($0)] }
        case let .continuous(numbers)?: return numbers.map { $0.isNaN ? nil : String($0) }
        case nil: return []
        }
    }

    func testQuotedFieldsEmbeddedNewlinesEscapedQuotesCRLFAndBOM() throws {
        let text = "\u{FEFF}name,note,n\r\n\"Smith, J\",\"line one\nline two\",1\r\nplain,\"say \"\"hi\"\"\",2\r\n\"\",x,3"
        let dataset = try load(text)
        XCTAssertEqual(dataset.columns.map(\.name), ["name", "note", "n"])
        XCTAssertEqual(dataset.rowCount, 3)
        XCTAssertEqual(texts(dataset, "name"), ["Smith, J", "plain", nil])
        XCTAssertEqual(texts(dataset, "note"), ["line one\nline two", "say \"hi\"", "x"])
        XCTAssertEqual(texts(dataset, "n"), ["1.0", "2.0", "3.0"])
    }

    func testMatchesCSVSwiftOnTrickyFiles() throws {
        let cases = [
            "a,b\n1,2\n3,4\n",
            "a,b\r\n\"x\r\ny\",2\r\n\"\"\"q\"\"\",\"\"\n",
            "a,b,c\n,,\n\"\",\" \",\"a,b\"\n",
            "h\n\"multi\n\nline\"\nlast",
            "a,b\n\"é\",ü\n\"日本\",\"x\"\"y\"\n",
        ]
        for text in cases {
            let reader = try CSVRecordReader(path: try file(text).path, chunkSize: 5)
            var ours: [[String]] = []
            while try reader.nextRecord() {
                ours.append((0..<reader.fieldCount).map { String(decoding: reader.field($0), as: UTF8.self) })
            }
            let theirs = try CSVReader(string: text)
            var expected: [[String]] = []
            while let row = theirs.next() { if row != [""] { expected.append(row) } }
            XCTAssertEqual(ours, expected, "file: \(text.debugDescription)")
        }
    }

    /// CSV already in memory reads as the same bytes in a file do, whatever the chunk size,
    /// errors included (the fuzz target `csv` reads its inputs this way).
    func testBytesInMemoryReadAsTheSameFile() throws {
        let cases = [
            "\u{FEFF}name,note,n\r\n\"Smith, J\",\"line one\nline two\",1\r\nplain,\"say \"\"hi\"\"\",2\r\n\"\",x,3",
            "h\n\"multi\n\nline\"\nlast",
            "a,b\n\"\u{e9}\",\u{fc}\n\"\u{65e5}\u{672c}\",\"x\"\"y\"\n",
            "a,b\n1,2\r\n3,4\r",
            "a,b\n\"open,2\n",
            "a,a\n1,2\n",
            "",
            String(repeating: "x,y\n1.5,true\n", count: 40),
        ]
        for text in cases {
            let url = try file(text)
            for chunkSize in [16, 17, 33, 1 << 20] {
                let label = "\(text.debugDescription) in chunks of \(chunkSize)"
                func describe(_ load: () throws -> Dataset) -> String {
                    do {
                        let dataset = try load()
                        return "\(dataset.columns.map(\.name)) \(dataset.rowCount) " + dataset.columns.map { "\(texts(dataset, $0.name))" }.joined()
                    } catch {
                        return "error: \(error)"
                    }
                }
                XCTAssertEqual(describe { try CSVSource.load(contents: Array(text.utf8), name: url.path, table: "t", config: DataConfig(),
                                                             chunkSize: chunkSize) },
                               describe { try CSVSource.load(url, table: "t", config: DataConfig()) }, label)
            }
        }
    }

    func testWrittenFieldsReadBackUnchanged() throws {
        let rows = [["plain", "with, comma", "with \"quote\""], ["line\nbreak", "", "crlf\r\nend"], ["日本", "?", " spaced "]]
        let text = CSVFormat.document(header: ["a", "b", "c"], rows: rows)
        let reader = try CSVRecordReader(path: try file(text).path, chunkSize: 8)
        var ours: [[String]] = []
        while try reader.nextRecord() {
            ours.append((0..<reader.fieldCount).map { String(decoding: reader.field($0), as: UTF8.self) })
        }
        XCTAssertEqual(ours, [["a", "b", "c"]] + rows)
        let theirs = try CSVReader(string: text, hasHeaderRow: true)
        var expected: [[String]] = []
        while let row = theirs.next() { expected.append(row) }
        XCTAssertEqual(expected, rows)
    }

    func testRecordsAcrossChunkBoundariesAndLineNumbers() throws {
        var text = "id,text\n"
        for index in 0..<200 { text += "\(index),\"row \(index)\nsecond line\"\n" }
        let reader = try CSVRecordReader(path: try file(text).path, chunkSize: 7)
        var lines: [Int] = []
        var values: [String] = []
        XCTAssertTrue(try reader.nextRecord())
        while try reader.nextRecord() {
            lines.append(reader.line)
            values.append(String(decoding: reader.field(1), as: UTF8.self))
        }
        XCTAssertEqual(values.count, 200)
        XCTAssertEqual(values[199], "row 199\nsecond line")
        XCTAssertEqual(lines.prefix(3), [2, 4, 6])
    }

    func testMissingValuesAreCountedAndConfigurable() throws {
        let text = "x,y\n1,a\n?,b\n,?\n4,NA\n"
        let dataset = try load(text)
        XCTAssertEqual(dataset.column(named: "x")?.nullCount, 2)
        XCTAssertEqual(dataset.column(named: "x")?.dataType, .integer)
        XCTAssertEqual(dataset.column(named: "y")?.nullCount, 1)
        XCTAssertEqual(texts(dataset, "y"), ["a", "b", nil, "NA"])
        let custom = try load(text, config: DataConfig(missingValues: ["?", "", "NA"]))
        XCTAssertEqual(custom.column(named: "y")?.nullCount, 2)
        guard case let .continuous(numbers)? = custom.column(named: "x")?.storage else { return XCTFail("x not continuous") }
        XCTAssertEqual(numbers.map { $0.isNaN ? -1 : $0 }, [1, -1, -1, 4])
    }

    func testRaggedRowNamesFileAndLine() throws {
        let url = try file("a,b,c\n1,2,3\n4,5\n")
        XCTAssertEqual(error { try CSVSource.load(url, table: "t", config: DataConfig()) } as? DataSourceError,
                       .raggedRow(path: url.path, line: 3, found: 2, expected: 3))
        XCTAssertEqual((error { try CSVSource.load(url, table: "t", config: DataConfig()) } as? DataSourceError)?.message,
                       "\(url.path):3: row has 2 fields, but the header has 3")
    }

    func testRaggedRowAfterMultilineFieldCountsPhysicalLines() throws {
        let url = try file("a,b\n\"x\ny\",1\n2\n")
        XCTAssertEqual(error { try CSVSource.load(url, table: "t", config: DataConfig()) } as? DataSourceError,
                       .raggedRow(path: url.path, line: 4, found: 1, expected: 2))
    }

    func testEmptyFileAndHeaderOnly() throws {
        let empty = try file("")
        XCTAssertEqual(error { try CSVSource.load(empty, table: "t", config: DataConfig()) } as? DataSourceError,
                       .emptyFile(path: empty.path))
        let blank = try file("\u{FEFF}\n\n")
        XCTAssertEqual(error { try CSVSource.load(blank, table: "t", config: DataConfig()) } as? DataSourceError,
                       .emptyFile(path: blank.path))
        let header = try file("a,b\r\n")
        XCTAssertEqual(error { try CSVSource.load(header, table: "t", config: DataConfig()) } as? DataSourceError,
                       .headerOnly(path: header.path))
    }

    func testDuplicateAndEmptyHeaders() throws {
        let duplicate = try file("age,name,age\n1,a,2\n")
        let failure = error { try CSVSource.load(duplicate, table: "t", config: DataConfig()) } as? DataSourceError
        XCTAssertEqual(failure, .duplicateHeader(path: duplicate.path, name: "age", columns: [1, 3]))
        XCTAssertEqual(failure?.message, "\(duplicate.path):1: columns 1, 3 are all named 'age'")
        let empty = try file("a,,c\n1,2,3\n")
        XCTAssertEqual(error { try CSVSource.load(empty, table: "t", config: DataConfig()) } as? DataSourceError,
                       .emptyHeader(path: empty.path, column: 2))
    }

    func testInvalidUTF8NamesLineAndColumn() throws {
        let url = try bytes(Array("a,b\n1,ok\n2,".utf8) + [0xC3, 0x28] + Array("\n".utf8))
        let failure = error { try CSVSource.load(url, table: "t", config: DataConfig()) } as? DataSourceError
        XCTAssertEqual(failure, .invalidUTF8(path: url.path, line: 3, column: 2, header: "b"))
        XCTAssertEqual(failure?.message, "\(url.path):3: column 2 ('b') is not valid UTF-8")
    }

    func testUnterminatedQuoteAndTextAfterQuote() throws {
        let open = try file("a,b\n1,\"never closed\n")
        XCTAssertEqual(error { try CSVSource.load(open, table: "t", config: DataConfig()) } as? DataSourceError,
                       .unterminatedQuote(path: open.path, line: 2, column: 2))
        let trailing = try file("a,b\n\"x\"y,1\n")
        XCTAssertEqual(error { try CSVSource.load(trailing, table: "t", config: DataConfig()) } as? DataSourceError,
                       .textAfterClosingQuote(path: trailing.path, line: 2, column: 1))
    }

    func testMissingFile() throws {
        let url = try temporaryDirectory().appendingPathComponent("absent.csv")
        XCTAssertEqual(error { try CSVSource.load(url, table: "t", config: DataConfig()) } as? DataSourceError,
                       .cannotOpen(path: url.path, reason: "no such file"))
    }

    func testForcedCategoricalWithHundredThousandValuesIsRefused() throws {
        var text = "id,label\n"
        for index in 0..<100_000 { text += "user\(index),\(index % 2)\n" }
        let url = try file(text)
        let config = DataConfig(forceStypes: ["t": ForcedTypes(categorical: ["id", "label"])])
        let failure = error { try CSVSource.load(url, table: "t", config: config) } as? DataConfigError
        XCTAssertEqual(failure, .tooManyCategories(path: url.path, column: "id", count: 100_000, limit: 10_000))
        XCTAssertEqual(failure?.help, "leave it out with ignore_cols, or do not force it categorical")
        let asText = try CSVSource.load(url, table: "t", config: DataConfig(forceStypes: ["t": ForcedTypes(categorical: ["label"])]))
        XCTAssertEqual(asText.column(named: "id")?.semanticType, .text)
    }

    func testForcedContinuousOnTextNamesTheValueAndLine() throws {
        let url = try file("a\n1\n2\nthree\n")
        let config = DataConfig(forceStypes: ["t": ForcedTypes(continuous: ["a"])])
        XCTAssertEqual(error { try CSVSource.load(url, table: "t", config: config) } as? DataConfigError,
                       .notNumeric(path: url.path, column: "a", value: "three", line: 4))
    }

    func testNonFiniteNumbersAreMissingValuesAndReported() throws {
        var text = "age,gain,label\n"
        let ages = ["39", "NaN", "50", "inf", "-Infinity", "nan", "+INF", "28", "NaN"]
        for (index, age) in ages.enumerated() { text += "\(age),\(index).5,\(index % 2 == 0 ? "a" : "b")\n" }
        let url = try file(text)
        let dataset = try CSVSource.load(url, table: "t", config: DataConfig())
        let age = try XCTUnwrap(dataset.column(named: "age"))
        XCTAssertEqual(age.semanticType, .continuous, "one NaN must not turn the column into text")
        XCTAssertEqual(age.dataType, .integer)
        XCTAssertEqual(age.nullCount, 6)
        XCTAssertEqual(texts(dataset, "age"), ["39.0", nil, "50.0", nil, nil, nil, nil, "28.0", nil])
        XCTAssertEqual(dataset.schema.columns.first { $0.name == "age" }?.nullCount, 6)
        XCTAssertEqual(dataset.notes, [ColumnNote(path: url.path, column: "age",
                                                  kind: .nonFiniteNumbers(spellings: ["NaN", "inf", "-Infinity", "nan", "+INF"]),
                                                  count: 6, lines: [3, 5, 6, 7, 8])])
        XCTAssertEqual(dataset.notes.first?.message,
                       "\(url.path): column 'age': 6 values are not finite numbers ('NaN', 'inf', '-Infinity', …); "
                           + "read as missing values (lines 3, 5, 6, 7, 8, …)")
        XCTAssertEqual(dataset.notes.first?.help, "leave such cells empty to mark them missing, or replace them with numbers")

        let one = try load("x,y\n1.5,a\nNaN,b\n2,c\n")
        XCTAssertEqual(one.column(named: "x")?.dataType, .float)
        XCTAssertEqual(one.notes.map(\.message), ["\(one.notes.first?.path ?? ""): column 'x': 1 value is not a finite number ('NaN'); read as a missing value (line 3)"])
        // A forced continuous column reads them the same way; text stays text, and a
        // column with nothing but such values is not a numeric column.
        let forced = try load("x\n1\ninf\n", config: DataConfig(forceStypes: ["t": ForcedTypes(continuous: ["x"])]))
        XCTAssertEqual(forced.column(named: "x")?.nullCount, 1)
        let words = try load("w\nnan\nbread\n")
        XCTAssertEqual(words.column(named: "w")?.semanticType, .text)
        XCTAssertEqual(texts(words, "w"), ["nan", "bread"])
        XCTAssertEqual(words.notes, [])
        XCTAssertEqual(try load("n\nNaN\ninf\n").column(named: "n")?.semanticType, .text)
    }

    func testOneWordInAColumnOfNumbersIsReportedWithTheTypeItMade() throws {
        var text = "age,label\n"
        for row in 0..<200 { text += "\(row == 3 ? "thirty" : String(20 + row % 60)),\(row % 2)\n" }
        let url = try file(text)
        let dataset = try CSVSource.load(url, table: "t", config: DataConfig())
        XCTAssertEqual(dataset.column(named: "age")?.semanticType, .text, "more than 50 distinct values stay text")
        XCTAssertEqual(dataset.notes, [ColumnNote(path: url.path, column: "age",
                                                  kind: .notAllNumbers(numbers: 199, others: ["thirty"], treatedAs: .text),
                                                  count: 1, lines: [5])])
        XCTAssertEqual(dataset.notes.first?.message,
                       "\(url.path): column 'age': 199 numbers and 1 other value ('thirty'): treated as text, not continuous (line 5)")
        XCTAssertEqual(dataset.notes.first?.help,
                       "fix line 5, or list 'thirty' in missing_values to read it as missing; "
                           + "to keep the column text on purpose, force it with force_stypes")

        // Listing the word among the missing values makes the column numbers again, silently.
        let missing = try CSVSource.load(url, table: "t", config: DataConfig(missingValues: ["", "?", "thirty"]))
        XCTAssertEqual(missing.column(named: "age")?.semanticType, .continuous)
        XCTAssertEqual(missing.notes, [])
        // A type forced on purpose is not reported.
        let forced = try CSVSource.load(url, table: "t", config: DataConfig(forceStypes: ["t": ForcedTypes(text: ["age"])]))
        XCTAssertEqual(forced.notes, [])

        // Few distinct values make the column categorical, and the note says so; thousands are
        // grouped, and more values than a note quotes end with '…'.
        var many = "grade\n"
        for row in 0..<2_000 { many += (row % 500 == 7 ? ["A", "B", "C", "D"][row / 500] : String(row % 10)) + "\n" }
        let graded = try load(many)
        XCTAssertEqual(graded.column(named: "grade")?.semanticType, .categorical)
        XCTAssertEqual(graded.notes.first?.message,
                       "\(graded.notes.first?.path ?? ""): column 'grade': 1,996 numbers and 4 other values ('A', 'B', 'C', …): "
                           + "treated as categorical, not continuous (lines 9, 509, 1009, 1509)")
        XCTAssertEqual(graded.notes.first?.help.hasPrefix("fix those lines, or list those values in missing_values"), true)
        // Mostly words: no note.
        XCTAssertEqual(try load("w\n1\nbread\nbutter\n").notes, [])
    }

    func testAPodKeepsAtMostTwoThousandColumnsAndSQLiteTakesThatMany() throws {
        func wide(_ count: Int) -> String {
            (0..<count).map { "c\($0)" }.joined(separator: ",") + "\n"
                + (0..<6).map { row in (0..<count).map { String(($0 + row) % 7) }.joined(separator: ",") }.joined(separator: "\n") + "\n"
        }
        let tooWide = try file(wide(5_000))
        let failure = error { try CSVSource.load(tooWide, table: "t", config: DataConfig()) } as? DataConfigError
        XCTAssertEqual(failure, .tooManyColumns(path: tooWide.path, count: 5_000, limit: 2_000))
        XCTAssertEqual(failure?.message, "'\(tooWide.path)' has 5000 columns to keep; a pod holds at most 2000")
        XCTAssertEqual(failure?.help, "list the columns the pod does not need in data_config's ignore_cols")
        let ignored = DataConfig(ignoreColumns: (2_000..<5_000).map { "c\($0)" })
        XCTAssertEqual(try CSVSource.load(tooWide, table: "t", config: ignored).columns.count, 2_000)

        // The limit is SQLite's: a pod at the limit answers SQL.
        let widest = try CSVSource.load(try file(wide(2_000)), table: "t", config: DataConfig())
        let result = try QueryEngine.run("SELECT COUNT(*), AVG(c1999) FROM df", on: widest,
                                         pod: try PodIdentifier(parsing: "olivia/t"), minimumGroupSize: 1)
        XCTAssertEqual(result.rows.first?.first?.number, 6)
    }
}
