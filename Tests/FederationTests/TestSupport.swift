import Foundation
import GRDB
import XCTest
@testable import Federation

/// Temporary directories, small files and hub fixtures shared by the tests.
class FederationTestCase: XCTestCase {
    /// A fresh directory, removed after the test.
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bf-federation-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Writes `text` to `name` in a fresh directory.
    func file(_ text: String, named name: String = "data.csv") throws -> URL {
        try bytes(Array(text.utf8), named: name)
    }

    /// Writes `bytes` to `name` in a fresh directory.
    func bytes(_ bytes: [UInt8], named name: String = "data.csv") throws -> URL {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// Loads `text` as a CSV table named `t`.
    func load(_ text: String, config: DataConfig = DataConfig()) throws -> Dataset {
        try CSVSource.load(try file(text), table: "t", config: config)
    }

    /// The error `body` throws, failing the test when it throws none.
    func error<T>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> (any Error)? {
        do {
            _ = try body()
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    /// The error `body` throws, failing the test when it throws none.
    func asyncError<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> (any Error)? {
        do {
            _ = try await body()
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    /// Every row of every table of the hub store, as text: equal snapshots
    /// mean an unchanged store.
    func snapshot(_ hub: Hub) throws -> [String] {
        let queue = try DatabaseQueue(path: hub.home.appendingPathComponent("hub.sqlite").path)
        return try queue.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            return try tables.flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map { "\(table): \($0)" }
            }
        }
    }

    /// A small CSV every hub test can make pods from.
    static let smallCSV = """
        age,gender,hours,TARGET
        39,Male,40,0
        50,Female,13,1
        38,Male,40,0
        53,Female,40,1
        28,Male,45,0
        37,Female,40,1

        """

    /// A hub in a fresh home with an owner `olivia` and a modeller `mia`.
    func makeHub() throws -> (hub: Hub, owner: LocalIdentity, modeller: LocalIdentity) {
        let hub = try Hub(home: try temporaryDirectory())
        return (hub, try hub.identity(named: "olivia"), try hub.identity(named: "mia"))
    }

    /// Creates pod `name` of `owner` from `smallCSV` (or `csv`).
    @discardableResult
    func makePod(_ hub: Hub, _ name: String, owner: LocalIdentity, csv: String = FederationTestCase.smallCSV,
                 categorical: [String] = ["gender", "TARGET"], approved: [String] = []) throws -> PodIdentifier {
        let spec = PodSpec(name: name, owner: owner.name, dataPath: try file(csv),
                           dataConfig: DataConfig(forceStypes: [name: ForcedTypes(categorical: categorical)]),
                           approvedPods: approved)
        return try hub.createPod(spec).identifier
    }
}
