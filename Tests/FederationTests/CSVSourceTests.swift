import XCTest
@testable import Federation
