import BFTestSupport
import Federation
import Foundation
import GRPCCore
import Learning
import GRPCNIOTransportHTTP2
@testable import Transport
import XCTest

/// Every call to a served pod is signed; the server refuses (and logs, and audits) calls from
/// unknown keys, with bad signatures, stale or replayed, meant for another pod, over the
/// rate limit, or on another modeller's task, and keeps serving.
final class CallSecurityTests: XCTestCase {
    /// A refused connection reads the same whatever state gRPC's channel was in.
    func testAnUnreachablePodsReasonLeavesOutTheChannelState() {
        XCTAssertEqual(TransportError.reason("Channel is in a transient failure state and 'wait for ready' isn't enabled. "
                                             + "Could not establish a connection to [ipv4]127.0.0.1:1."),
                       "Could not establish a connection to [ipv4]127.0.0.1:1.")
        XCTAssertEqual(TransportError.reason("Could not establish a connection to [ipv4]127.0.0.1:1."),
                       "Could not establish a connection to [ipv4]127.0.0.1:1.")
    }

    func testTheChecksOfACallSignature() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-sign-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let dana = try LocalIdentity.loadOrCreate(name: "dana", home: home)
        let eve = try LocalIdentity.loadOrCreate(name: "eve", home: home)
        let pod = try PodIdentifier(owner: "carol", name: "census")
        let digest = Data(repeating: 7, count: 32)
        let now = Date()
        let signature = try CallSignature.sign(method: "Train", pod: "census", bodyDigest: digest, by: dana, at: now)

        func check(_ signature: CallSignature, method: String = "Train", digest: Data = digest, key: Data? = dana.publicKey,
                   ledger: NonceLedger = NonceLedger(), at date: Date = now) -> CallRefusal? {
            CallRefusal.check(signature, method: method, pod: pod, bodyDigest: digest, publicKey: key, ledger: ledger, now: date)
        }
        XCTAssertNil(check(signature))
        XCTAssertNil(check(try CallSignature.sign(method: "Train", pod: "carol/census", bodyDigest: digest, by: dana, at: now)))
        XCTAssertEqual(check(signature, key: nil), .unknownUser("dana"))
        XCTAssertEqual(check(signature, key: eve.publicKey), .badSignature("dana"))
        XCTAssertEqual(check(signature, method: "Evaluate"), .badSignature("dana"))
        XCTAssertEqual(check(signature, digest: Data(repeating: 8, count: 32)), .badSignature("dana"))
        XCTAssertEqual(check(signature, at: now.addingTimeInterval(301)), .stale("dana"))
        XCTAssertNil(check(signature, at: now.addingTimeInterval(299)))
        let ledger = NonceLedger()
        XCTAssertNil(check(signature, ledger: ledger))
        XCTAssertEqual(check(signature, ledger: ledger), .replayed("dana"))
        let forOther = try CallSignature.sign(method: "Train", pod: "other", bodyDigest: digest, by: dana, at: now)
        XCTAssertEqual(check(forOther), .wrongPod(named: "other", served: pod))
        let forged = CallSignature(user: "dana", pod: "census", method: "Train", timestamp: signature.timestamp,
                                   nonce: signature.nonce, bodyDigest: digest, signature: Data(repeating: 0, count: 64))
        XCTAssertEqual(check(forged), .badSignature("dana"))
    }

    func testTheServerRefusesBadCallsAuditsThemAndKeepsServing() async throws {
        let federation = try await TestFederation.make()
        let pod = try federation.hub.resolvePod("census-income-demo")
        let server = try await InProcessServer.start(federation.hub, pod: pod)
        defer { server.stop() }
        let eve = try LocalIdentity.loadOrCreate(name: "eve", home: federation.hub.home.appendingPathComponent("elsewhere"))

        try await withGRPCClient(transport: try .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: server.address.port),
                                                              transportSecurity: .plaintext)) { client in
            let service = Bf_Pod_V1_Pod.Client(wrapping: client)
            let request = Bf_Pod_V1_DescribeRequest()
            let digest = try CallMetadata.digest([request])
            func describe(_ metadata: Metadata) async throws -> Bf_Pod_V1_PodDescription {
                try await service.describe(request, metadata: metadata)
            }
            func refusal(_ metadata: Metadata) async -> RPCError? {
                do {
                    _ = try await describe(metadata)
                    return nil
                } catch {
                    return error as? RPCError
                }
            }

            let good = CallMetadata.metadata(try CallSignature.sign(method: "Describe", pod: pod.name, bodyDigest: digest, by: federation.modeller))
            let described = try await describe(good)
            XCTAssertEqual(described.identifier, pod.description)
            let replayed = await refusal(good)
            XCTAssertEqual(replayed?.code, .permissionDenied)
            XCTAssertTrue(replayed?.message.contains("repeats an earlier call") == true, "\(String(describing: replayed))")

            let unsigned = await refusal([:])
            XCTAssertEqual(unsigned?.code, .permissionDenied)
            let stranger = await refusal(CallMetadata.metadata(try CallSignature.sign(method: "Describe", pod: pod.name, bodyDigest: digest, by: eve)))
            XCTAssertTrue(stranger?.message.contains("does not know user 'eve'") == true, "\(String(describing: stranger))")
            let stale = await refusal(CallMetadata.metadata(try CallSignature.sign(method: "Describe", pod: pod.name, bodyDigest: digest,
                                                                                   by: federation.modeller, at: Date().addingTimeInterval(-600))))
            XCTAssertTrue(stale?.message.contains("more than 5 minutes") == true, "\(String(describing: stale))")
            let tampered = await refusal(CallMetadata.metadata(try CallSignature.sign(method: "Describe", pod: pod.name,
                                                                                      bodyDigest: Data(repeating: 1, count: 32), by: federation.modeller)))
            XCTAssertTrue(tampered?.message.contains("does not match") == true, "\(String(describing: tampered))")
            let elsewhere = await refusal(CallMetadata.metadata(try CallSignature.sign(method: "Describe", pod: "census-income-other",
                                                                                       bodyDigest: digest, by: federation.modeller)))
            XCTAssertTrue(elsewhere?.message.contains("this server serves 'carol/census-income-demo'") == true, "\(String(describing: elsewhere))")

            let again = CallMetadata.metadata(try CallSignature.sign(method: "Describe", pod: pod.name, bodyDigest: digest, by: federation.modeller))
            let stillServing = try await describe(again)
            XCTAssertEqual(stillServing.identifier, pod.description, "the server still serves")
        }
        let refused = try federation.hub.auditLog(for: pod).filter { !$0.accepted && $0.reason.hasPrefix("Describe: ") }
        XCTAssertEqual(Set(refused.map(\.modeller)), ["dana", "eve", "(unsigned)"])
        XCTAssertEqual(refused.count, 6)
        XCTAssertEqual(server.log.all.filter { $0.contains("Describe refused") }.count, 6)
    }

    func testACallReplayedAfterTheServerRestartsIsRefusedAndAudited() async throws {
        let federation = try await TestFederation.make()
        let pod = try federation.hub.resolvePod("census-income-demo")
        let request = Bf_Pod_V1_DescribeRequest()
        let captured = CallMetadata.metadata(try CallSignature.sign(method: "Describe", pod: pod.name,
                                                                    bodyDigest: try CallMetadata.digest([request]), by: federation.modeller))
        func describe(_ server: ServingProcess) async throws -> Bf_Pod_V1_PodDescription {
            try await withGRPCClient(transport: try .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: server.port),
                                                                  transportSecurity: .plaintext)) { client in
                try await Bf_Pod_V1_Pod.Client(wrapping: client).describe(request, metadata: captured)
            }
        }

        let first = try ServingProcess.pod(pod.name, bf: try BFBinary.locate(), user: federation.owner.name, home: federation.hub.home)
        let described = try await describe(first)
        XCTAssertEqual(described.identifier, pod.description)
        first.stop()

        // The same bytes again, to a new server process of the same home, well within the
        // five minutes the call's timestamp is accepted for.
        let restarted = try ServingProcess.pod(pod.name, bf: try BFBinary.locate(), user: federation.owner.name, home: federation.hub.home)
        defer { restarted.stop() }
        do {
            _ = try await describe(restarted)
            XCTFail("a call replayed after the restart was served")
        } catch let error as RPCError {
            XCTAssertEqual(error.code, .permissionDenied)
            XCTAssertTrue(error.message.contains("repeats an earlier call"), error.message)
        }
        let replays = try Hub(home: federation.hub.home).auditLog(for: pod).filter { $0.reason.contains("repeats an earlier call") }
        XCTAssertEqual(replays.map(\.accepted), [false])
        XCTAssertEqual(replays.map(\.modeller), ["dana"])
    }

    func testTheRateLimitAndTaskOwnership() async throws {
        let federation = try await TestFederation.make()
        let pod = try federation.hub.resolvePod("census-income-demo")
        let limited = try await InProcessServer.start(federation.hub, pod: pod, limits: PodServerLimits(callsPerSecond: 3))
        defer { limited.stop() }
        let connection = try await RemotePodConnection.connect(to: limited.address, as: federation.modeller)
        var refusals: [String] = []
        for _ in 0..<6 {
            do { _ = try await connection.describe() } catch { refusals.append("\(error)") }
        }
        XCTAssertFalse(refusals.isEmpty)
        XCTAssertTrue(refusals.allSatisfy { $0.contains("this pod takes at most 3 a second") }, "\(refusals)")

        let server = try await InProcessServer.start(federation.hub, pod: pod)
        defer { server.stop() }
        let dana = try await RemotePodConnection.connect(to: server.address, as: federation.modeller)
        let open = try ModelTaskRequest.signed(kind: .train, specification: federation.specification, pods: [pod],
                                               secureAggregation: false, by: federation.modeller)
        let opened = try await dana.openTask(open)
        XCTAssertTrue(opened.isAccepted)
        let carol = try await RemotePodConnection.connect(to: server.address, as: federation.owner)
        do {
            try await carol.closeTask(open.task)
            XCTFail("another modeller closed dana's task")
        } catch {
            XCTAssertTrue("\(error)".contains("belongs to another modeller"), "\(error)")
        }
        try await dana.closeTask(open.task)
    }

    func testTheSizeLimitsRefuseOversizedRequests() async throws {
        let federation = try await TestFederation.make()
        let pod = try federation.hub.resolvePod("census-income-demo")
        let parameters = try ParameterSet([("w", [300_000], [Float](repeating: 0.5, count: 300_000))])

        // The whole streamed request is over the limit: refused, naming the limit.
        let small = try await InProcessServer.start(federation.hub, pod: pod, limits: PodServerLimits(maximumRequestBytes: 1 << 20))
        defer { small.stop() }
        let connection = try await RemotePodConnection.connect(to: small.address, as: federation.modeller)
        do {
            _ = try await connection.evaluate(EvaluationRequest(task: UUID(), parameters: parameters))
            XCTFail("an oversized request was served")
        } catch {
            XCTAssertTrue("\(error)".contains("the request is larger than this pod accepts (1 MiB)"), "\(error)")
        }

        // One message over the message limit: refused by the transport.
        let tight = try await InProcessServer.start(federation.hub, pod: pod, limits: PodServerLimits(maximumMessageBytes: 64 << 10))
        defer { tight.stop() }
        let other = try await RemotePodConnection.connect(to: tight.address, as: federation.modeller)
        do {
            _ = try await other.evaluate(EvaluationRequest(task: UUID(), parameters: parameters))
            XCTFail("an oversized message was served")
        } catch {
            XCTAssertTrue("\(error)".contains("census-income-demo"), "\(error)")
        }
        let described = try await other.describe()
        XCTAssertEqual(described.identifier, pod, "small calls still pass")
    }
}
