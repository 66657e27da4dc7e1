import BenchmarkSupport
import Foundation
import Learning
import XCTest

final class EncodedCSVTests: XCTestCase {
    private func sample() throws -> TabularDataset {
        let layout = TabularLayout(categorical: [.init(name: "gender", cardinality: 2)], continuousNames: ["age", "hours"],
                                   targetName: "TARGET", classCount: 2)
        return try TabularDataset(layout: layout, rowCount: 2, categorical: [1, 0], continuous: [0.5, -1, 2, 0.25], labels: [0, 1])
    }

    func testEncodedCSVNamesEachColumnByKindAndWritesOneLinePerRow() throws {
        XCTAssertEqual(EncodedCSV.text(of: try sample()), "c:gender:2,x:age,x:hours,y:TARGET:2\n1,0.5,-1.0,0\n0,2.0,0.25,1\n")
    }

    func testAWrittenFileReadsBackTheSameRows() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bf-encoded-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        let data = try sample()
        try EncodedCSV.write(data, to: file)
        let read = try EncodedCSV.read(file.path)
        XCTAssertEqual(read.layout, data.layout)
        XCTAssertEqual(read.categorical, data.categorical)
        XCTAssertEqual(read.continuous, data.continuous)
        XCTAssertEqual(read.labels, data.labels)
    }

    func testAHeaderWithoutALabelIsRefusedNamingTheFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bf-encoded-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("c:gender:2,x:age\n1,0.5\n".utf8).write(to: file)
        XCTAssertThrowsError(try EncodedCSV.read(file.path)) { error in
            XCTAssertEqual("\(error)", "\(file.path) has no y:name:classes column")
        }
    }
}
