import Federation
import XCTest

final class PodAddressTests: XCTestCase {
    func testParsesTheForms() throws {
        let full = try PodAddress(parsing: "bf://127.0.0.1:7401/census-income-demo")
        XCTAssertEqual(full.host, "127.0.0.1")
        XCTAssertEqual(full.port, 7401)
        XCTAssertEqual(full.podName, "census-income-demo")
        XCTAssertEqual(full.description, "bf://127.0.0.1:7401/census-income-demo")

        let owned = try PodAddress(parsing: "bf://pods.example.org:80/alice/census")
        XCTAssertEqual(owned.podName, "alice/census")

        let bare = try PodAddress(parsing: "localhost:7402")
        XCTAssertEqual(bare.host, "localhost")
        XCTAssertNil(bare.podName)

        let ipv6 = try PodAddress(parsing: "bf://[::1]:7403/x")
        XCTAssertEqual(ipv6.host, "::1")
        XCTAssertEqual(ipv6.description, "bf://[::1]:7403/x")
    }

    func testRefusesBadAddressesWithTheReason() {
        for (text, fragment) in [("bf://127.0.0.1/census", "port"), ("bf://127.0.0.1:99999/census", "port"),
                                 ("http://127.0.0.1:7401/x", "bf://"), ("bf://:7401/x", "host"),
                                 ("bf://127.0.0.1:7401/Bad Name", "pod name")] {
            XCTAssertThrowsError(try PodAddress(parsing: text), text) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(text): \(error)")
            }
        }
    }
}

final class ListeningAddressTests: XCTestCase {
    func testAServerMayAskForAnyPortButNamesNoPod() throws {
        XCTAssertEqual(try PodAddress.listening("127.0.0.1:0").port, 0)
        XCTAssertEqual(try PodAddress.listening("0.0.0.0:7401").host, "0.0.0.0")
        XCTAssertThrowsError(try PodAddress.listening("127.0.0.1:7401/census"))
        XCTAssertThrowsError(try PodAddress(parsing: "bf://127.0.0.1:0/census"))
    }
}
