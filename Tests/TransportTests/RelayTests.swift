import Federation
import Foundation
import GRPCCore
import Synchronization
@testable import Transport
import XCTest

/// A pod that dials a relay answers every call as it does in process; the relay admits only
/// pods whose owner's key it knows, and says which pod is missing.
final class RelayTests: XCTestCase {
    func testEveryCallAnswersTheSameThroughARelay() async throws {
        let federation = try await TestFederation.make()
        let pod = try federation.hub.resolvePod("census-income-demo")
        let expected = try await Transcript.record(try federation.hub.localConnection(to: pod, as: federation.modeller.name), federation: federation)

        let relay = try await InProcessRelay.start(federation.hub)
        defer { relay.stop() }
        let attached = try await InProcessRelayedPod.start(federation.hub, pod: pod, owner: federation.owner, relay: relay.address)
        defer { attached.stop() }
        let remote = try await RemotePodConnection.connect(to: PodAddress(host: "127.0.0.1", port: relay.address.port, podName: pod.name),
                                                           as: federation.modeller)
        XCTAssertEqual(remote.identifier, pod)
        try await Transcript.record(remote, federation: federation).assertEqual(to: expected, label: "through a relay")
        remote.close()
        // The pod judged every call itself; the relay only passed them on.
        XCTAssertTrue(attached.log.all.contains { $0.contains("dana Train ok (round 1)") }, attached.log.all.joined(separator: "\n"))
        XCTAssertTrue(relay.log.all.contains { $0.contains("dana → carol/census-income-demo Train ok") }, relay.log.all.joined(separator: "\n"))
        XCTAssertTrue(relay.log.all.contains { $0.contains("carol/census-income-demo attached from") }, relay.log.all.joined(separator: "\n"))
    }

    func testACallToAPodThatIsNotAttachedNamesThePodAndTheRelay() async throws {
        let federation = try await TestFederation.make()
        let relay = try await InProcessRelay.start(federation.hub)
        defer { relay.stop() }
        let address = PodAddress(host: "127.0.0.1", port: relay.address.port, podName: "census-income-demo")
        do {
            _ = try await RemotePodConnection.connect(to: address, as: federation.modeller)
            XCTFail("connected to a pod that is not attached")
        } catch let error as TransportError {
            XCTAssertEqual(error, .notConnectedToRelay(pod: "census-income-demo", relay: relay.address.description))
            XCTAssertEqual(error.problems.first?.message,
                           "pod 'census-income-demo' is not connected to the relay at \(relay.address)")
            XCTAssertEqual(error.problems.first?.help,
                           "its owner starts it with 'bf pod serve POD.yaml --connect \(relay.address)'")
        }
    }

    func testTheRelayRefusesAPodWhoseOwnersKeyItDoesNotKnowOrThatSignedForAnotherRelay() async throws {
        let federation = try await TestFederation.make()
        let pod = try federation.hub.resolvePod("census-income-demo")
        let strangerHome = FileManager.default.temporaryDirectory.appendingPathComponent("bf-relay-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: strangerHome) }
        // A relay whose home knows nobody: the pod's owner is unknown there.
        let empty = try Hub(home: strangerHome)
        let relay = try await InProcessRelay.start(empty)
        defer { relay.stop() }
        do {
            let attached = try await InProcessRelayedPod.start(federation.hub, pod: pod, owner: federation.owner, relay: relay.address)
            attached.stop()
            XCTFail("a pod of an unknown owner attached")
        } catch let error as TransportError {
            guard case let .relayRefused(relayName, podName, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(relayName, relay.address.description)
            XCTAssertEqual(podName, "carol/census-income-demo")
            XCTAssertTrue(reason.contains("the relay does not know 'carol', the owner of 'carol/census-income-demo'"), reason)
        }
        XCTAssertTrue(relay.log.all.contains { $0.contains("refused carol/census-income-demo") }, relay.log.all.joined(separator: "\n"))

        // The same name with another key: the hello's signature does not hold.
        let impostor = try empty.identity(named: "carol")
        XCTAssertNotEqual(impostor.publicKey, federation.owner.publicKey)
        do {
            let attached = try await InProcessRelayedPod.start(federation.hub, pod: pod, owner: federation.owner, relay: relay.address)
            attached.stop()
            XCTFail("a pod signed with another key attached")
        } catch let error as TransportError {
            guard case let .relayRefused(_, _, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "the attachment of 'carol/census-income-demo' is not signed by the key the relay holds for 'carol'")
        }
    }

    func testASecondAttachmentOfAPodReplacesTheFirstWhichStops() async throws {
        let federation = try await TestFederation.make()
        let pod = try federation.hub.resolvePod("census-income-demo")
        let relay = try await InProcessRelay.start(federation.hub)
        defer { relay.stop() }
        let first = try await InProcessRelayedPod.start(federation.hub, pod: pod, owner: federation.owner, relay: relay.address)
        let second = try await InProcessRelayedPod.start(federation.hub, pod: pod, owner: federation.owner, relay: relay.address)
        defer { second.stop() }
        do {
            try await first.finished()
            XCTFail("the replaced server kept serving")
        } catch let error as TransportError {
            XCTAssertEqual(error, .replacedAtRelay(relay: relay.address.description, pod: "carol/census-income-demo"))
            XCTAssertEqual(error.problems.first?.message,
                           "another 'bf pod serve' of 'carol/census-income-demo' attached to the relay at \(relay.address) and replaced this one")
        }
        XCTAssertTrue(relay.log.all.contains { $0.contains("carol/census-income-demo attached again from") }, relay.log.all.joined(separator: "\n"))
        // Calls reach the second.
        let remote = try await RemotePodConnection.connect(to: PodAddress(host: "127.0.0.1", port: relay.address.port, podName: pod.name),
                                                           as: federation.modeller)
        let described = try await remote.describe()
        XCTAssertEqual(described.identifier, pod)
        remote.close()
        XCTAssertTrue(second.log.all.contains { $0.contains("dana Describe ok") }, second.log.all.joined(separator: "\n"))
        XCTAssertFalse(first.log.all.contains { $0.contains("Describe") }, first.log.all.joined(separator: "\n"))
    }

    func testTheChecksOfAnAttachSignature() throws {
        let federation = try TestFederationIdentity.make()
        let pod = try PodIdentifier(owner: "carol", name: "census-income-demo")
        let ledger = NonceLedger()
        let signed = try AttachSignature.sign(pod: pod, relay: "bf://127.0.0.1:7400", by: federation.carol)
        XCTAssertNil(signed.refusal(ownerKey: federation.carol.publicKey, namesThisRelay: true, ledger: ledger))
        XCTAssertEqual(signed.refusal(ownerKey: federation.carol.publicKey, namesThisRelay: true, ledger: ledger), .replayed(pod))
        XCTAssertEqual(signed.refusal(ownerKey: nil, namesThisRelay: true, ledger: ledger), .unknownOwner(pod))
        XCTAssertEqual(signed.refusal(ownerKey: federation.dana.publicKey, namesThisRelay: true, ledger: ledger), .badSignature(pod))

        let fresh = try AttachSignature.sign(pod: pod, relay: "bf://127.0.0.1:7400", by: federation.carol)
        XCTAssertEqual(fresh.refusal(ownerKey: federation.carol.publicKey, namesThisRelay: false, ledger: ledger),
                       .otherRelay(pod, relay: "bf://127.0.0.1:7400"))
        // Another pod, or another relay, named under the same signature.
        let moved = AttachSignature(pod: try PodIdentifier(owner: "carol", name: "other"), relay: fresh.relay, timestamp: fresh.timestamp,
                                    nonce: fresh.nonce, signature: fresh.signature)
        XCTAssertEqual(moved.refusal(ownerKey: federation.carol.publicKey, namesThisRelay: true, ledger: ledger), .badSignature(moved.pod))
        let redirected = AttachSignature(pod: pod, relay: "bf://relay.example:7400", timestamp: fresh.timestamp, nonce: fresh.nonce,
                                         signature: fresh.signature)
        XCTAssertEqual(redirected.refusal(ownerKey: federation.carol.publicKey, namesThisRelay: true, ledger: ledger), .badSignature(pod))
        let old = try AttachSignature.sign(pod: pod, relay: "bf://127.0.0.1:7400", by: federation.carol,
                                           at: Date().addingTimeInterval(-600))
        XCTAssertEqual(old.refusal(ownerKey: federation.carol.publicKey, namesThisRelay: true, ledger: ledger), .stale(pod))

        let relay = RelayIdentity(host: "127.0.0.1", port: 7400)
        XCTAssertTrue(relay.isNamed(by: "bf://127.0.0.1:7400"))
        XCTAssertTrue(relay.isNamed(by: "bf://localhost:7400"))
        XCTAssertFalse(relay.isNamed(by: "bf://127.0.0.1:7401"))
        XCTAssertFalse(relay.isNamed(by: "bf://10.0.0.2:7400"))
        XCTAssertFalse(relay.isNamed(by: "bf://127.0.0.1:7400/pod"))
        XCTAssertTrue(RelayIdentity(host: "0.0.0.0", port: 7400).isNamed(by: "bf://relay.example:7400"))
    }
}

/// Two identities in a scratch home.
struct TestFederationIdentity {
    let carol: LocalIdentity
    let dana: LocalIdentity

    static func make() throws -> TestFederationIdentity {
        let hub = try Hub(home: FileManager.default.temporaryDirectory.appendingPathComponent("bf-relay-\(UUID().uuidString)"))
        return TestFederationIdentity(carol: try hub.identity(named: "carol"), dana: try hub.identity(named: "dana"))
    }
}

/// A `RelayServer` in this process on a free port of 127.0.0.1.
final class InProcessRelay: Sendable {
    let address: PodAddress
    let log: LogLines
    private let task: Task<Void, any Error>

    private init(address: PodAddress, log: LogLines, task: Task<Void, any Error>) {
        self.address = address
        self.log = log
        self.task = task
    }

    static func start(_ hub: Hub) async throws -> InProcessRelay {
        let log = LogLines()
        let names = AsyncStream<String>.makeStream()
        let relay = RelayServer(hub: hub, options: .init(host: "127.0.0.1", port: 0), log: { log.append($0) })
        let task = Task {
            try await relay.run { names.continuation.yield($0); names.continuation.finish() }
        }
        guard let name = await names.stream.first(where: { _ in true }) else { throw CancellationError() }
        return InProcessRelay(address: try PodAddress(parsing: name), log: log, task: task)
    }

    func stop() {
        task.cancel()
    }
}

/// A `RelayedPodServer` in this process, attached.
final class InProcessRelayedPod: Sendable {
    let log: LogLines
    private let task: Task<Void, any Error>

    private init(log: LogLines, task: Task<Void, any Error>) {
        self.log = log
        self.task = task
    }

    /// Attaches `pod` to `relay`; throws what the attachment failed with.
    static func start(_ hub: Hub, pod: PodIdentifier, owner: LocalIdentity, relay: PodAddress) async throws -> InProcessRelayedPod {
        let log = LogLines()
        let attached = AsyncStream<Void>.makeStream()
        let server = RelayedPodServer(pod: try hub.localConnection(to: pod, as: owner.name), hub: hub, owner: owner, options: .init(relay: relay),
                                      log: { log.append($0) })
        let task = Task {
            defer { attached.continuation.finish() }
            try await server.run { _ in attached.continuation.yield() }
        }
        guard await attached.stream.first(where: { _ in true }) != nil else {
            try await task.value
            throw SetUpFailure("the pod stopped before it attached")
        }
        return InProcessRelayedPod(log: log, task: task)
    }

    func stop() {
        task.cancel()
    }

    /// Waits for the server to stop; throws what it stopped with.
    func finished() async throws {
        try await task.value
    }
}
