import XCTest

final class FederationTestsSmoke: XCTestCase {
    func testBuilds() {}
}
