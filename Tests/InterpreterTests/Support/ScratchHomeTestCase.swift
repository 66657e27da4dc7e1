import Foundation
import Interpreter
import Language
import XCTest

/// A test class whose tests share one scratch bf home, removed after the class: the demo
/// federation is made in it on first use, which takes seconds in a debug build, so once per
/// class rather than per test.
class ScratchHomeTestCase: XCTestCase {
    nonisolated(unsafe) private static var homes: [ObjectIdentifier: URL] = [:]
    private static let lock = NSLock()

    /// This class's home (not created until bf needs it).
    class var home: URL {
        lock.withLock {
            if let home = homes[ObjectIdentifier(self)] { return home }
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-\(String(describing: self))-\(UUID().uuidString)")
            homes[ObjectIdentifier(self)] = home
            return home
        }
    }

    /// The width sessions lay their output out for.
    class var width: Int { 120 }

    override class func tearDown() {
        if let home = lock.withLock({ homes.removeValue(forKey: ObjectIdentifier(self)) }) {
            try? FileManager.default.removeItem(at: home)
        }
        super.tearDown()
    }

    /// A new session in the home as `user`, and what it writes.
    func session(user: String = "owner") -> (Session, CapturedOutput) {
        let output = CapturedOutput()
        return (Session(output: output, options: .init(width: Self.width, home: Self.home, userName: user)), output)
    }

    /// Runs `text` as the script `t.bf` in a new session as `user`.
    func run(_ text: String, user: String = "owner") async -> (Session.Outcome, CapturedOutput) {
        let (session, output) = session(user: user)
        return (await session.runScript(SourceFile(name: "t.bf", text: text)), output)
    }
}
