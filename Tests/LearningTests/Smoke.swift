import XCTest

final class LearningTestsSmoke: XCTestCase {
    func testBuilds() {}
}
