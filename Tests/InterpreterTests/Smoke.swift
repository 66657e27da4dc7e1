import XCTest

final class InterpreterTestsSmoke: XCTestCase {
    func testBuilds() {}
}
