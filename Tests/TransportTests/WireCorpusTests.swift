import Federation
import Foundation
import Learning
import SwiftProtobuf
@testable import Transport
import XCTest

/// The pod server's reading of calls without a network (`ReceivedCall`), the seeds of the
/// fuzz target `fuzz-wire` made from real calls and answers, and the wire defects the target
/// looks for.
///
/// `BF_WRITE_WIRE_CORPUS=1 swift test --filter WireCorpusTests` rewrites Fuzz/Corpus/wire.
final class WireCorpusTests: XCTestCase {
    /// What Fuzz/Sources/fuzz-wire fixes: the served pod, the clock, the one known user's key.
    enum Fixture {
        static let pod = try! PodIdentifier(owner: "carol", name: "census")
        static let now = Date(timeIntervalSince1970: 1_800_000_000)

        static func alice() throws -> LocalIdentity {
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-wire-\(UUID().uuidString)")
            let key = LocalIdentity.keyFile(for: "alice", home: home)
            try FileManager.default.createDirectory(at: key.deletingLastPathComponent(), withIntermediateDirectories: true)
            XCTAssertTrue(FileManager.default.createFile(atPath: key.path, contents: Data((0..<32).map { UInt8($0) }),
                                                        attributes: [.posixPermissions: 0o600]))
            return try LocalIdentity.loadOrCreate(name: "alice", home: home)
        }
    }

    /// A fuzz input: the selector byte, then each field as a 2-byte little-endian length and its bytes.
    static func input(_ selector: Int, _ fields: [[UInt8]]) -> [UInt8] {
        var bytes = [UInt8(selector)]
        for field in fields {
            precondition(field.count <= 0xffff, "a field of \(field.count) bytes does not fit the fuzz input's framing")
            bytes += [UInt8(field.count & 0xff), UInt8(field.count >> 8)] + field
        }
        return bytes
    }

    /// The metadata of a call signed by `alice` at the fixture's time, its nonce made of `seed`:
    /// what `RemotePodConnection` sends with `messages`.
    static func envelope(_ method: ReceivedCall.Method, _ messages: [some SwiftProtobuf.Message], by alice: LocalIdentity,
                         seed: UInt8) throws -> [(name: String, value: String)] {
        let unsigned = CallSignature(user: alice.name, pod: Fixture.pod.name, method: method.rawValue,
                                     timestamp: Int64(Fixture.now.timeIntervalSince1970 * 1000),
                                     nonce: Data(repeating: seed, count: 16), bodyDigest: try CallMetadata.digest(messages),
                                     signature: Data())
        let signature = try alice.sign(Data(unsigned.signedBytes))
        return [(CallMetadata.user, unsigned.user), (CallMetadata.pod, unsigned.pod), (CallMetadata.timestamp, String(unsigned.timestamp)),
                (CallMetadata.nonce, CallMetadata.hex(unsigned.nonce)), (CallMetadata.bodyDigest, CallMetadata.hex(unsigned.bodyDigest)),
                (CallMetadata.signature, signature.base64EncodedString())]
    }

    /// One seed: a call (with its metadata) or an answer, and what it decodes to.
    struct Seed {
        let name: String
        let selector: Int
        let metadata: [(name: String, value: String)]?
        let messages: [[UInt8]]
        let content: ReceivedCall.Content?

        var input: [UInt8] {
            let lines = metadata.map { pairs in Array(pairs.map { pair in "\(pair.name)=\(pair.value)" }.joined(separator: "\n").utf8) }
            return WireCorpusTests.input(selector, (lines.map { [$0] } ?? []) + messages)
        }
    }

    static func call(_ name: String, _ method: ReceivedCall.Method, _ messages: [some SwiftProtobuf.Message], _ content: ReceivedCall.Content,
                     by alice: LocalIdentity, seed: UInt8) throws -> Seed {
        let index = ReceivedCall.Method.allCases.firstIndex(of: method)!
        return Seed(name: name, selector: index << 1, metadata: try envelope(method, messages, by: alice, seed: seed),
                    messages: try messages.map { try $0.serializedBytes() }, content: content)
    }

    static func answer(_ name: String, _ kind: ReceivedAnswer.Kind, _ messages: [some SwiftProtobuf.Message]) throws -> Seed {
        let index = ReceivedCall.Method.allCases.count + ReceivedAnswer.Kind.allCases.firstIndex(of: kind)!
        return Seed(name: name, selector: index << 1, metadata: nil, messages: try messages.map { try $0.serializedBytes() }, content: nil)
    }

    /// Real calls, as a modeller's connection encodes them, and real answers of an in-process
    /// pod of the demo federation, encoded as its server does.
    static func seeds() async throws -> [Seed] {
        let alice = try Fixture.alice()
        let federation = try await TestFederation.make()
        let pods = [Fixture.pod]
        func request(_ kind: TaskKind, detail: String = "", secure: Bool = false) throws -> TaskRequest {
            try TaskRequest.signed(kind: kind, pods: pods, secureAggregation: secure, detail: detail, by: alice, at: Fixture.now)
        }
        let specification = federation.specification
        let open = ModelTaskRequest(request: try request(.train, detail: specification.taskDetail(rowScores: false)),
                                    specification: specification)
        let parameters = try specification.makeClassifier().parameters()
        let context = try SecureAggregationContext(taskIdentifier: open.task.uuidString, round: 1, participants: ["census", "other"],
                                                   parameterCount: parameters.elementCount, maximumSampleCount: 1000)
        let share = SignedKeyShare(pod: "census", context: context, publicKey: Data(repeating: 3, count: 32),
                                   signature: Data(repeating: 4, count: 64))
        let plain = RoundRequest(task: open.task, round: 0, parameters: parameters, epochs: nil, steps: 3, proximalMu: 0.01)
        let secure = RoundRequest(task: open.task, round: 1, parameters: parameters, epochs: 1, steps: nil, proximalMu: nil,
                                  aggregation: .secure(context: context, keyShares: [share]))
        let settings = try SecAggPlusSettings(context: context, threshold: 2, graphSeed: Data(repeating: 7, count: 32))
        let advertisement = SecAggPlusKeyAdvertisement(
            pod: "census", settingsDigest: Data(repeating: 8, count: 32), encryptionKey: Data(repeating: 9, count: 32),
            maskingKey: Data(repeating: 10, count: 32), selfMaskCommitment: Data(repeating: 11, count: 32),
            signature: Data(repeating: 12, count: 64))
        let sealed = SecAggPlusEncryptedShares(sender: "other", recipient: "census", sealed: Data(repeating: 13, count: 124))
        let dropoutTolerant = RoundRequest(task: open.task, round: 1, parameters: parameters, epochs: 1, steps: nil,
                                           aggregation: .dropoutTolerant(settings: settings, shares: [sealed]))
        let shareKeys = SecAggPlusStepRequest(task: open.task, settings: settings, step: .shareKeys(advertisements: [advertisement]))
        let unmask = SecAggPlusStepRequest(task: open.task, settings: settings,
                                           step: .unmask(SecAggPlusUnmaskRequest(survivors: ["census"], dropped: ["other"])))
        let sql = "SELECT workclass, COUNT(*) FROM df GROUP BY workclass"
        let query = QueryRequest(request: try request(.sql, detail: sql), sql: sql)
        let schema = try request(.schema)
        let task = try request(.train, secure: true)
        var seeds = [
            try call("describe", .describe, [Bf_Pod_V1_DescribeRequest()], .describe, by: alice, seed: 1),
            try call("roles", .roles, [Bf_Pod_V1_RolesRequest.with { $0.user = "alice" }], .roles(user: "alice"), by: alice, seed: 2),
            try call("request", .request, [Wire.message(task)], .task(task), by: alice, seed: 3),
            try call("schema", .schema, [Wire.message(schema)], .task(schema), by: alice, seed: 4),
            try call("open-task", .openTask, [Wire.message(open)], .modelTask(open), by: alice, seed: 5),
            try call("train", .train, try Wire.parts(plain), .round(plain), by: alice, seed: 6),
            try call("train-secure", .train, try Wire.parts(secure), .round(secure), by: alice, seed: 7),
            try call("key-share", .keyShare, [try Wire.message(SecureRoundSetup(task: open.task, context: context))],
                     .keyShare(SecureRoundSetup(task: open.task, context: context)), by: alice, seed: 8),
            try call("evaluate", .evaluate, Wire.parts(task: open.task, part: .test, parameters: parameters),
                     .model(task: open.task, part: .test, parameters: parameters), by: alice, seed: 9),
            try call("predict", .predict, Wire.parts(task: open.task, part: .validation, parameters: parameters),
                     .model(task: open.task, part: .validation, parameters: parameters), by: alice, seed: 10),
            try call("close-task", .closeTask, [Bf_Pod_V1_CloseTaskRequest.with { $0.task = open.task.uuidString }],
                     .closeTask(open.task), by: alice, seed: 11),
            try call("query", .query, [Wire.message(query)], .query(query), by: alice, seed: 12),
            try call("train-dropout-tolerant", .train, try Wire.parts(dropoutTolerant), .round(dropoutTolerant), by: alice, seed: 13),
            try call("secure-aggregation-step", .secureAggregationStep, [try Wire.message(shareKeys)],
                     .secureAggregationStep(shareKeys), by: alice, seed: 14),
            try call("secure-aggregation-unmask", .secureAggregationStep, [try Wire.message(unmask)],
                     .secureAggregationStep(unmask), by: alice, seed: 15),
        ]

        let connection = try federation.hub.localConnection(to: try federation.hub.resolvePod("census-income-demo"), as: federation.modeller.name)
        let transcript = try await Transcript.record(connection, federation: federation)
        let pod = connection.identifier
        seeds += [
            try answer("answer-description", .description, [Wire.message(transcript.description)]),
            try answer("answer-accepted", .taskResponse, [try Wire.message(TaskResponse(pod: pod, requestID: task.id, outcome: transcript.accepted))]),
            try answer("answer-rejected", .taskResponse, [try Wire.message(TaskResponse(pod: pod, requestID: task.id, outcome: transcript.refusedSecure))]),
            try answer("answer-schema", .schemaResponse, [try Wire.message(transcript.schema)]),
            try answer("answer-key-share", .keyShare, [try Wire.message(share)]),
            try answer("answer-evaluation", .evaluationReport, [try Wire.message(transcript.evaluation)]),
            try answer("answer-prediction", .predictionSummary, [Wire.message(transcript.prediction)]),
            try answer("answer-prediction-rows", .predictionSummary, [Wire.message(transcript.rowPrediction)]),
            try answer("answer-query", .query, [Bf_Pod_V1_QueryResponse.with { $0.responseJson = try! Wire.json(transcript.query) }]),
            try answer("answer-query-refused", .query, [Bf_Pod_V1_QueryResponse.with { $0.responseJson = try! Wire.json(transcript.hiddenColumns) }]),
        ]
        var events: [Bf_Pod_V1_RoundEventPart] = []
        for progress in transcript.progress { events += try Wire.parts(.progress(progress)) }
        if let update = transcript.update { events += try Wire.parts(.finished(update)) }
        seeds.append(try answer("answer-round", .roundEvents, events))
        let masked = RoundUpdate(pod: pod, round: 1, contribution: .masked(try MaskedUpdate(pod: "census", contextDigest: Data(repeating: 5, count: 32),
                                                                                          elementBytes: Data(repeating: 6, count: 8 * 12))),
                                 sampleCount: 120, steps: 3, trainingLoss: 0.5, validation: transcript.evaluation.metrics, standardisation: [])
        seeds.append(try answer("answer-round-masked", .roundEvents, try Wire.parts(.finished(masked))))
        let shamirShare = try XCTUnwrap(ShamirShare(x: 1, valueBytes: [UInt8](repeating: 1, count: 48)))
        seeds += [
            try answer("answer-advertisement", .secureAggregationStep, [try Wire.message(SecAggPlusStepAnswer.advertisement(advertisement))]),
            try answer("answer-sealed-shares", .secureAggregationStep, [try Wire.message(SecAggPlusStepAnswer.sealedShares([sealed]))]),
            try answer("answer-unmasking", .secureAggregationStep, [try Wire.message(SecAggPlusStepAnswer.unmasking(
                SecAggPlusUnmaskResponse(pod: "census", selfMaskShares: ["census": shamirShare], maskingKeyShares: ["other": shamirShare])))]),
        ]
        return seeds
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/wire")

    /// Every real call is accepted and decodes to what was sent, as the server reads it; with
    /// BF_WRITE_WIRE_CORPUS=1 the seeds are written to Fuzz/Corpus/wire.
    func testRealCallsAndAnswersDecodeAsSentAndAreTheFuzzSeeds() async throws {
        let alice = try Fixture.alice()
        let seeds = try await Self.seeds()
        for seed in seeds {
            if let content = seed.content {
                let method = ReceivedCall.Method.allCases[seed.selector >> 1]
                let judged = try ReceivedCall.judge(method, metadata: seed.metadata ?? [], messages: seed.messages, pod: Fixture.pod,
                                                    publicKey: { $0 == "alice" ? alice.publicKey : nil }, ledger: NonceLedger(), now: Fixture.now)
                XCTAssertNil(judged.refusal, seed.name)
                XCTAssertEqual(judged.caller, "alice", seed.name)
                XCTAssertEqual(try judged.content.get(), content, seed.name)
            } else {
                let kind = ReceivedAnswer.Kind.allCases[(seed.selector >> 1) - ReceivedCall.Method.allCases.count]
                XCTAssertNoThrow(try ReceivedAnswer.decode(kind, messages: seed.messages), seed.name)
            }
        }
        if ProcessInfo.processInfo.environment["BF_WRITE_WIRE_CORPUS"] == "1" {
            try FileManager.default.createDirectory(at: Self.corpus, withIntermediateDirectories: true)
            for seed in seeds {
                try Data(seed.input).write(to: Self.corpus.appendingPathComponent(seed.name + ".bin"))
            }
        }
        let committed = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".bin") }
        XCTAssertEqual(Set(committed), Set(seeds.map { $0.name + ".bin" }),
                       "Fuzz/Corpus/wire is not what the generator writes; run BF_WRITE_WIRE_CORPUS=1 swift test --filter WireCorpusTests")
    }

    /// Messages that are not what the method takes are refused as the server refuses them.
    func testMalformedCallsAreRefusedNotDecoded() throws {
        let alice = try Fixture.alice()
        func judge(_ method: ReceivedCall.Method, _ messages: [[UInt8]], metadata: [(name: String, value: String)] = [])
            throws -> ReceivedCall.Judged {
            try ReceivedCall.judge(method, metadata: metadata, messages: messages, pod: Fixture.pod,
                                   publicKey: { $0 == "alice" ? alice.publicKey : nil }, ledger: NonceLedger(), now: Fixture.now)
        }
        XCTAssertThrowsError(try judge(.request, [[0xff, 0xff, 0xff]]), "not a protobuf message")
        let unsigned = try judge(.describe, [[]])
        XCTAssertEqual(unsigned.caller, "(unsigned)")
        XCTAssertEqual(unsigned.refusal, .unsigned("no bf-user or bf-pod"))
        XCTAssertEqual(try unsigned.content.get(), .describe)
        XCTAssertThrowsError(try judge(.describe, [[], []]).content.get()) { error in
            XCTAssertTrue("\(error)".contains("one message, not 2"), "\(error)")
        }
        XCTAssertThrowsError(try judge(.train, []).content.get()) { error in
            XCTAssertTrue("\(error)".contains("does not start with its header"), "\(error)")
        }
    }

    /// A header announcing more float32 values than memory holds (value_count near Int64.max)
    /// made the server compute their byte count with an overflow: it crashed (found writing
    /// the fuzz target). Now the call is refused as malformed.
    func testAValueCountWhoseByteCountOverflowsIsRefused() throws {
        for count in [Int64.max, Int64.max / 4 + 1, Int64.min, -1] {
            let header = Bf_Pod_V1_RoundRequestPart.with {
                $0.header = .with { $0.task = UUID().uuidString; $0.parameters = .with { $0.valueCount = count } }
            }
            let judged = try ReceivedCall.judge(.train, metadata: [], messages: [try header.serializedBytes()], pod: Fixture.pod,
                                                publicKey: { _ in nil }, ledger: NonceLedger())
            XCTAssertThrowsError(try judged.content.get(), "\(count)") { error in
                XCTAssertTrue("\(error)".contains("float32 values"), "\(error)")
            }
        }
        let masked = Bf_Pod_V1_RoundEventPart.with {
            $0.update = .with { $0.pod = "carol/census"; $0.masked = .with { $0.elementCount = Int64.max / 8 + 1 } }
        }
        XCTAssertThrowsError(try ReceivedAnswer.decode(.roundEvents, messages: [try masked.serializedBytes()])) { error in
            XCTAssertTrue("\(error)".contains("masked elements"), "\(error)")
        }
    }

    /// Tensor shapes whose element count passes Int.max ([2^32, 2^32], or two tensors of 2^62)
    /// crashed the server computing it (found writing the fuzz target); now refused.
    func testTensorShapesWhoseElementCountOverflowsAreRefused() throws {
        for tensors in [[[Int64(1) << 32, Int64(1) << 32]], [[Int64(1) << 62], [Int64(1) << 62]], [[Int64.max, 2, 0]]] {
            let parts = Wire.parts(task: UUID(), part: .test, parameters: try ParameterSet([]))
            guard case var .header(header)? = parts[0].part else { return XCTFail("no header") }
            header.parameters.tensors = tensors.enumerated().map { index, shape in .with { $0.name = "t\(index)"; $0.shape = shape } }
            let judged = try ReceivedCall.judge(.evaluate, metadata: [], messages: [try Bf_Pod_V1_ModelRequestPart.with { $0.header = header }.serializedBytes()],
                                                pod: Fixture.pod, publicKey: { _ in nil }, ledger: NonceLedger())
            XCTAssertThrowsError(try judged.content.get(), "\(tensors)") { error in
                XCTAssertTrue("\(error)".contains("is too large: its dimensions multiply past"), "\(error)")
            }
        }
    }

    /// A call or task request signed by a known key with a timestamp near Int64.min or
    /// Int64.max made the clock check overflow: the server (and the pod) crashed. Now stale.
    func testTimestampsFarFromTheClockAreStaleNotACrash() async throws {
        let alice = try Fixture.alice()
        for timestamp in [Int64.min, Int64.min + 1, Int64.max] {
            let unsigned = CallSignature(user: "alice", pod: "census", method: "Describe", timestamp: timestamp,
                                         nonce: Data(repeating: 1, count: 16), bodyDigest: Data(repeating: 2, count: 32), signature: Data())
            let signature = CallSignature(user: "alice", pod: "census", method: "Describe", timestamp: timestamp, nonce: unsigned.nonce,
                                          bodyDigest: unsigned.bodyDigest, signature: try alice.sign(Data(unsigned.signedBytes)))
            XCTAssertEqual(CallRefusal.check(signature, method: "Describe", pod: Fixture.pod, bodyDigest: unsigned.bodyDigest,
                                             publicKey: alice.publicKey, ledger: NonceLedger()), .stale("alice"))
        }

        let federation = try await TestFederation.make()
        let connection = try federation.hub.localConnection(to: try federation.hub.resolvePod("census-income-demo"), as: federation.modeller.name)
        for timestamp in [Int64.min, Int64.max] {
            let unsigned = TaskRequest(id: UUID(), modeller: federation.modeller.name, kind: .schema, pods: [connection.identifier],
                                       secureAggregation: false, detail: "", timestamp: timestamp, nonce: Data(repeating: UInt8(truncatingIfNeeded: timestamp), count: 16),
                                       signature: Data())
            let request = TaskRequest(id: unsigned.id, modeller: unsigned.modeller, kind: .schema, pods: unsigned.pods, secureAggregation: false,
                                      detail: "", timestamp: timestamp, nonce: unsigned.nonce,
                                      signature: try federation.modeller.sign(unsigned.signedBytes))
            let response = try await connection.request(request)
            XCTAssertEqual(response.rejection, .identityNotVerified(.stale), "\(timestamp)")
        }
    }
}
