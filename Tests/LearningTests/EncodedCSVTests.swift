import XCTest
import Learning

final class EncodedCSVTests: XCTestCase {
    func testEncodedCSVNamesEachColumnByKindAndWritesOneLinePerRow() throws {
        let layout = TabularLayout(categorical: [.init(name: "gender", cardinality: 2)], continuousNames: ["age", "hours"],
                                   targetName: "TARGET", classCount: 2)
        let data = try TabularDataset(layout: layout, rowCount: 2, categorical: [1, 0], continuous: [0.5, -1, 2, 0.25], labels: [0, 1])
        XCTAssertEqual(data.encodedCSV(), "c:gender:2,x:age,x:hours,y:TARGET:2\n1,0.5,-1.0,0\n0,2.0,0.25,1\n")
    }
}
