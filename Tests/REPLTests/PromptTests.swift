import XCTest
@testable import REPL

final class PromptTests: XCTestCase {
    func testContinuationEndsUnderTheInputPromptsColon() {
        XCTAssertEqual(Prompt.input(number: 3, style: .plain), "In [3]: ")
        XCTAssertEqual(Prompt.continuation(number: 3, style: .plain), "   ...: ")
        XCTAssertEqual(Prompt.input(number: 12, style: .plain), "In [12]: ")
        XCTAssertEqual(Prompt.continuation(number: 12, style: .plain), "    ...: ")
    }
}
