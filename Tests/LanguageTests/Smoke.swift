import XCTest

final class LanguageTestsSmoke: XCTestCase {
    func testBuilds() {}
}
