import Foundation
import GRDB
import Learning
import XCTest
@testable import Federation

/// Checkpoints of trainings: files under the home, indexed in the hub store, checked by
/// digest when a training resumes.
final class HubCheckpointTests: FederationTestCase {
    /// A state after `rounds` rounds with FedAdam moments and one row of metrics per round.
    private func state(rounds: Int, seed: Float) throws -> TrainingState {
        let parameters = try ParameterSet([("w", [2, 3], (0..<6).map { Float($0) * seed + 0.1 }), ("b", [3], [seed, -seed, 1e-30])])
        let adam = try FedAdam(configuration: .standard, firstMoment: (0..<9).map { Float($0) / 7 },
                               secondMoment: (0..<9).map { Float($0) / 11 }, step: rounds)
        let metrics = ClassificationMetrics(probabilities: [0.2, 0.8, 0.6, 0.4], labels: [1, 0], classCount: 2, auc: .bins)
            .droppingScoreHistograms()
        let pod = try PodIdentifier(parsing: "olivia/alpha")
        let rows = (0..<rounds).map { round in
            RoundResult(round: round + 1, pods: [PodRoundMetrics(pod: pod, sampleCount: 10, steps: 2, trainingLoss: 0.5, validation: metrics)],
                        combined: metrics, trainingLoss: 0.5)
        }
        return TrainingState(completedRounds: rounds, parameters: parameters, serverOptimizer: .fedAdam(adam), rounds: rows)
    }

    func testEveryFileOfTheHomeIsTheUsersAloneWhateverTheUmask() throws {
        let previous = umask(0)
        defer { umask(previous) }
        let home = try temporaryDirectory().appendingPathComponent("home")
        let hub = try Hub(home: home)
        _ = try DemoFederation.create(hub: hub, owner: try hub.identity(named: "olivia"))
        try hub.saveCheckpoint(try state(rounds: 1, seed: 0.3), key: "training-1")

        func modes() throws -> [String: (mode: Int, folder: Bool)] {
            var result: [String: (mode: Int, folder: Bool)] = [".": (try mode(of: home.path), true)]
            for case let relative as String in FileManager.default.enumerator(atPath: home.path)! {
                let path = home.appendingPathComponent(relative).path
                let type = try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
                result[relative] = (try mode(of: path), type == .typeDirectory)
            }
            return result
        }
        func mode(of path: String) throws -> Int {
            try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        }
        let found = try modes()
        for name in ["hub.sqlite", "hub.sqlite-wal", "hub.sqlite-shm", "users/olivia/ed25519.key", "demo", "checkpoints"] {
            XCTAssertNotNil(found[name], "\(name) is missing from \(found.keys.sorted())")
        }
        XCTAssertTrue(found.keys.contains { $0.hasPrefix("demo/") && $0.hasSuffix(".csv") }, "\(found.keys.sorted())")
        XCTAssertTrue(found.keys.contains { $0.hasPrefix("checkpoints/") }, "\(found.keys.sorted())")
        for (name, entry) in found {
            XCTAssertEqual(entry.mode, entry.folder ? 0o700 : 0o600, "\(name) has mode \(String(entry.mode, radix: 8))")
        }

        // A store an older bf left readable by others is narrowed when the home is opened.
        XCTAssertEqual(chmod(home.appendingPathComponent("hub.sqlite").path, 0o644), 0)
        _ = try Hub(home: home)
        XCTAssertEqual(try mode(of: home.appendingPathComponent("hub.sqlite").path), 0o600)
    }

    func testACheckpointIsRecordedInTheStoreAndLoadsBitForBit() throws {
        let hub = try Hub(home: try temporaryDirectory())
        XCTAssertNil(try hub.loadCheckpoint(key: "training-1"))
        let first = try state(rounds: 1, seed: 0.3)
        let saved = try hub.saveCheckpoint(first, key: "training-1")
        XCTAssertEqual(saved.completedRounds, 1)
        XCTAssertTrue(saved.file.path.hasPrefix(hub.checkpointDirectory.path))
        XCTAssertEqual(try hub.checkpoint(key: "training-1"), saved)
        let loaded = try XCTUnwrap(try hub.loadCheckpoint(key: "training-1"))
        XCTAssertEqual(loaded.state, first)
        XCTAssertEqual(loaded.record, saved)
        // The digest is the file's SHA-256.
        let bytes = try Data(contentsOf: saved.file)
        XCTAssertEqual(saved.digest, SHA256Hex.of(bytes))
        // The store's row, in the table the v3-checkpoints migration made.
        let row = try hub.store.read { db in try Row.fetchOne(db, sql: "SELECT key, round, path FROM checkpoint") }
        XCTAssertEqual(row?["key"], "training-1")
        XCTAssertEqual(row?["round"], 1)

        // The next round replaces the record and the file; another training is apart.
        let second = try state(rounds: 2, seed: 0.7)
        let replaced = try hub.saveCheckpoint(second, key: "training-1")
        XCTAssertFalse(FileManager.default.fileExists(atPath: saved.file.path), "the previous round's file is deleted")
        XCTAssertEqual(try hub.loadCheckpoint(key: "training-1")?.state, second)
        try hub.saveCheckpoint(first, key: "training-2")
        XCTAssertEqual(try hub.loadCheckpoint(key: "training-2")?.state, first)
        XCTAssertEqual(try hub.loadCheckpoint(key: "training-1")?.record, replaced)

        try hub.removeCheckpoint(key: "training-1")
        XCTAssertNil(try hub.loadCheckpoint(key: "training-1"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: replaced.file.path))
        XCTAssertEqual(try hub.loadCheckpoint(key: "training-2")?.state, first)
    }

    func testASaveKilledBeforeItsTransactionLeavesThePreviousCheckpoint() throws {
        let hub = try Hub(home: try temporaryDirectory())
        let first = try state(rounds: 1, seed: 0.3)
        let saved = try hub.saveCheckpoint(first, key: "k")
        // What a kill between the rename and the commit leaves: round 2's file in place, the
        // store still recording round 1, whose file is still there.
        let orphan = try hub.saveCheckpoint(try state(rounds: 2, seed: 0.5), key: "other")
        let stray = saved.file.deletingLastPathComponent()
            .appendingPathComponent(saved.file.lastPathComponent.replacingOccurrences(of: "-round-1.", with: "-round-2."))
        try FileManager.default.copyItem(at: orphan.file, to: stray)
        XCTAssertEqual(try hub.loadCheckpoint(key: "k")?.state, first)
        // Resuming rewrites round 2 over the stray file; removing the training removes both.
        try hub.saveCheckpoint(try state(rounds: 2, seed: 0.9), key: "k")
        XCTAssertEqual(try hub.loadCheckpoint(key: "k")?.state.completedRounds, 2)
        try hub.removeCheckpoint(key: "k")
        XCTAssertFalse(FileManager.default.fileExists(atPath: stray.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: orphan.file.path), "another training's file stays")
    }

    func testAMissingOrDamagedCheckpointFileIsAClearError() throws {
        let hub = try Hub(home: try temporaryDirectory())
        let saved = try hub.saveCheckpoint(try state(rounds: 3, seed: 0.3), key: "k")
        var bytes = try Data(contentsOf: saved.file)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: saved.file)
        XCTAssertThrowsError(try hub.loadCheckpoint(key: "k")) { error in
            XCTAssertEqual((error as? HubError)?.description, """
                the checkpoint file '\(saved.file.path)' of training 'k' is damaged: its SHA-256 is not the one recorded when it was saved
                help: train without resume=True to start from round 1
                """)
        }
        try FileManager.default.removeItem(at: saved.file)
        XCTAssertThrowsError(try hub.loadCheckpoint(key: "k")) { error in
            XCTAssertEqual((error as? HubError)?.message, "the checkpoint file '\(saved.file.path)' of training 'k' is missing")
        }
    }
}

/// SHA-256 in lower-case hex, as the store records checkpoint digests.
private enum SHA256Hex {
    static func of(_ data: Data) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            return "sha256sum cannot run: \(error)"
        }
        input.fileHandleForWriting.write(data)
        try? input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }
}
