import Foundation
import GRDB
import Synchronization
import XCTest
@testable import Federation

#if canImport(Glibc)
import Glibc
#endif

/// The hub store: durability under SIGKILL, failing operations that leave
/// it unchanged, identities and pod names.
final class HubStoreTests: FederationTestCase {
    private static let childHomeVariable = "BF_FEDERATION_TESTS_WRITER_HOME"
    private static let rowsPerTransaction = 10

    /// Not a test of its own: the body of the child process that
    /// `testStoreSurvivesKillDuringWrites` starts and kills. It writes
    /// transactions of ten task runs and prints the count after each commit.
    func testWriterChildProcess() throws {
        guard let home = ProcessInfo.processInfo.environment[Self.childHomeVariable] else { return }
        let store = try HubStore(path: URL(fileURLWithPath: home).appendingPathComponent("hub.sqlite").path)
        let deadline = Date(timeIntervalSinceNow: 60)
        var committed = 0
        while Date() < deadline {
            try store.write { db in
                for _ in 0..<Self.rowsPerTransaction {
                    var row = TaskRunRow(id: nil, modeller: "writer", kind: "train", pods: "olivia/alpha",
                                         secureAggregation: true, startedAt: Date(), finishedAt: nil,
                                         status: "running", detail: String(repeating: "x", count: 2000))
                    try row.insert(db)
                }
            }
            committed += Self.rowsPerTransaction
            FileHandle.standardOutput.write(Data("\(committed)\n".utf8))
        }
    }

    func testStoreSurvivesKillDuringWrites() throws {
        let home = try temporaryDirectory()
        _ = try Hub(home: home)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["FederationTests.HubStoreTests/testWriterChildProcess"]
        process.environment = ProcessInfo.processInfo.environment.merging([Self.childHomeVariable: home.path]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        var lastCommitted = 0
        var buffer = ""
        let deadline = Date(timeIntervalSinceNow: 120)
        while lastCommitted < 2000 && Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            buffer += String(decoding: data, as: UTF8.self)
            let lines = buffer.split(separator: "\n", omittingEmptySubsequences: false)
            buffer = String(lines.last ?? "")
            for line in lines.dropLast() { if let count = Int(line) { lastCommitted = count } }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertGreaterThanOrEqual(lastCommitted, 2000, "the child wrote too little before the deadline")

        let hub = try Hub(home: home)
        XCTAssertEqual(try hub.store.integrityCheck(), "ok")
        let rows = try hub.taskRuns().count
        XCTAssertGreaterThanOrEqual(rows, lastCommitted, "a committed transaction was lost")
        XCTAssertEqual(rows % Self.rowsPerTransaction, 0, "a transaction was partly applied")
        // The reopened store still takes writes.
        _ = try hub.identity(named: "after-kill")
        XCTAssertTrue(try hub.users().contains("after-kill"))
    }

    func testFailingOperationsLeaveTheStoreAsItWas() throws {
        let (hub, owner, _) = try makeHub()
        try makePod(hub, "alpha", owner: owner)
        let before = try snapshot(hub)
        func spec(_ csv: [UInt8], categorical: [String] = [], name: String = "beta") throws -> PodSpec {
            PodSpec(name: name, owner: "olivia", dataPath: try bytes(csv),
                    dataConfig: DataConfig(forceStypes: [name: ForcedTypes(categorical: categorical)]))
        }
        var hundredThousand = "id,x\n"
        for index in 0..<100_000 { hundredThousand += "u\(index),1\n" }
        let failing: [(String, () throws -> Void)] = [
            ("ragged", { try hub.createPod(try spec(Array("a,b\n1\n".utf8))) }),
            ("empty", { try hub.createPod(try spec([])) }),
            ("header only", { try hub.createPod(try spec(Array("a,b\n".utf8))) }),
            ("duplicate headers", { try hub.createPod(try spec(Array("a,a\n1,2\n".utf8))) }),
            ("invalid UTF-8", { try hub.createPod(try spec(Array("a\n".utf8) + [0xFF, 0x0A])) }),
            ("100k categories", { try hub.createPod(try spec(Array(hundredThousand.utf8), categorical: ["id"])) }),
            ("forced column missing", { try hub.createPod(try spec(Array("a,b\n1,2\n".utf8), categorical: ["TARGET"])) }),
            ("existing pod", { try hub.createPod(try spec(Array("a,b\n1,2\n".utf8), name: "alpha")) }),
            ("unknown owner", {
                try hub.createPod(PodSpec(name: "gamma", owner: "nobody", dataPath: try self.file("a\n1\n")))
            }),
            ("bad YAML", { try hub.createPod(fromYAML: try self.file("pod_nam: x\n", named: "pod.yaml"), owner: owner) }),
            ("missing YAML", {
                try hub.createPod(fromYAML: try self.temporaryDirectory().appendingPathComponent("absent.yaml"), owner: owner)
            }),
        ]
        for (label, operation) in failing {
            let failure = error(operation)
            XCTAssertTrue(failure is any FederationError, "\(label): \(String(describing: failure))")
            XCTAssertEqual(try snapshot(hub), before, label)
        }
    }

    /// Of two connections turning on WAL in a new file together, SQLite fails one at once
    /// ("database is locked", no busy wait); CI saw it, so opening a store is serialised.
    func testManyStoresOpeningOneNewFileAtOnceAllOpen() throws {
        for attempt in 1...20 {
            let path = try temporaryDirectory().appendingPathComponent("hub.sqlite").path
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do {
                    let store = try HubStore(path: path)
                    _ = try store.integrityCheck()
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            XCTAssertEqual(failures.withLock { $0 }, [], "attempt \(attempt)")
        }
    }

    func testTheCallLedgerOutlivesItsServerAndForgetsWhatIsTooOldToMatter() throws {
        let home = try temporaryDirectory()
        let pod = try PodIdentifier(parsing: "olivia/census")
        let other = try PodIdentifier(parsing: "olivia/other")
        let nonce = NonceLedger.freshNonce()
        let now = Date().millisecondsSince1970
        let first = try Hub(home: home).callLedger(for: pod)
        XCTAssertTrue(try first.admit(nonce, timestamp: now, now: now))
        XCTAssertFalse(try first.admit(nonce, timestamp: now, now: now))
        // A new hub over the same home (a restarted server) still knows it; another pod's ledger does not.
        let hub = try Hub(home: home)
        XCTAssertFalse(try hub.callLedger(for: pod).admit(nonce, timestamp: now, now: now + 1_000))
        XCTAssertTrue(try hub.callLedger(for: other).admit(nonce, timestamp: now, now: now + 1_000))
        func count() throws -> Int { try hub.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_nonce") ?? -1 } }
        XCTAssertEqual(try count(), 2)
        // Twice the accepted skew later, both are forgotten as the next call is recorded.
        let later = now + 2 * Pod.allowedClockSkew + 1
        XCTAssertTrue(try hub.callLedger(for: pod).admit(NonceLedger.freshNonce(), timestamp: later, now: later))
        XCTAssertEqual(try count(), 1)
    }

    func testIdentityIsCreatedOnceWithAPrivateKeyFile() throws {
        let home = try temporaryDirectory()
        let hub = try Hub(home: home)
        let first = try hub.identity(named: "mia")
        let again = try hub.identity(named: "mia")
        XCTAssertEqual(first.publicKey, again.publicKey)
        XCTAssertEqual(first.publicKey.count, 32)
        let keyFile = LocalIdentity.keyFile(for: "mia", home: home)
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        let message = Data("hello".utf8)
        let signature = try first.sign(message)
        XCTAssertTrue(LocalIdentity.isValidSignature(signature, of: message, publicKey: first.publicKey))
        XCTAssertFalse(LocalIdentity.isValidSignature(signature, of: Data("hellO".utf8), publicKey: first.publicKey))
        XCTAssertNotEqual(try hub.identity(named: "other").publicKey, first.publicKey)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile.path)
        XCTAssertEqual(error { try hub.identity(named: "mia") } as? IdentityError, .keyFileTooOpen(path: keyFile.path, mode: 0o644))
        try FileManager.default.removeItem(at: keyFile)
        XCTAssertEqual(error { try hub.identity(named: "mia") } as? IdentityError, .keyMismatch(name: "mia", path: keyFile.path))
        XCTAssertEqual(error { try hub.identity(named: "Not Valid") } as? IdentityError, .invalidName("Not Valid"))
    }

    func testBarePodNamesResolveOrListCandidates() throws {
        let (hub, owner, modeller) = try makeHub()
        try makePod(hub, "census", owner: owner)
        try makePod(hub, "census", owner: modeller)
        try makePod(hub, "solo", owner: owner)
        XCTAssertEqual(try hub.resolvePod("solo"), try PodIdentifier(parsing: "olivia/solo"))
        XCTAssertEqual(try hub.resolvePod("mia/census"), try PodIdentifier(parsing: "mia/census"))
        let ambiguous = error { try hub.resolvePod("census") } as? HubError
        XCTAssertEqual(ambiguous, .ambiguousPod("census", candidates: [try PodIdentifier(parsing: "mia/census"),
                                                                       try PodIdentifier(parsing: "olivia/census")]))
        XCTAssertEqual(ambiguous?.description, """
            pod name 'census' is ambiguous
              mia/census
              olivia/census
            help: write the pod as owner/name
            """)
        XCTAssertEqual(error { try hub.resolvePod("slo") } as? HubError, .noSuchPod("slo", suggestion: "solo"))
        XCTAssertEqual(error { try hub.resolvePod("a/b/c") } as? PodIdentifierError, .notOwnerSlashName("a/b/c"))
    }

    func testAuditLogIsAppendOnly() async throws {
        let (hub, owner, _) = try makeHub()
        let alpha = try makePod(hub, "alpha", owner: owner)
        _ = try await hub.localConnection(to: alpha, as: owner.name).request(try TaskRequest.signed(kind: .schema, pods: [alpha], by: owner))
        XCTAssertThrowsError(try hub.store.write { db in try db.execute(sql: "DELETE FROM audit_entry") })
        XCTAssertThrowsError(try hub.store.write { db in try db.execute(sql: "UPDATE audit_entry SET accepted = 0") })
        XCTAssertEqual(try hub.auditLog().map(\.accepted), [true])
    }

    func testTaskRunsAreRecorded() throws {
        let (hub, owner, _) = try makeHub()
        let alpha = try makePod(hub, "alpha", owner: owner)
        let id = try hub.startTaskRun(modeller: "olivia", kind: .train, pods: [alpha], secureAggregation: false)
        try hub.finishTaskRun(id, status: .completed, detail: "accuracy 0.84")
        let runs = try hub.taskRuns()
        XCTAssertEqual(runs.map(\.status), [.completed])
        XCTAssertEqual(runs.first?.detail, "accuracy 0.84")
        XCTAssertEqual(runs.first?.pods, [alpha])
        XCTAssertNotNil(runs.first?.finishedAt)
    }
}
