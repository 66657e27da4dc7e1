import XCTest
@testable import Learning
final class BuildProbe: XCTestCase { func testNothing() {} }
