import Federation
import Foundation
import GRPCCore
import GRPCProtobuf
import Learning
import SwiftProtobuf

/// A call to the pod service as its server receives it, taken apart without a network: the
/// call's serialized messages decoded by the deserializer gRPC uses, the signature in its
/// metadata checked (`CallMetadata.check`, as `PodService` checks every call), and the
/// messages turned into bf's values with the `Wire` conversions the server's handlers use.
/// The fuzz target `fuzz-wire` (Fuzz/) drives every call through it.
public enum ReceivedCall {
    /// The pod service's methods, named as calls are signed and logged.
    public enum Method: String, CaseIterable, Sendable {
        case describe = "Describe", roles = "Roles", request = "Request", schema = "Schema", openTask = "OpenTask"
        case train = "Train", keyShare = "KeyShare", evaluate = "Evaluate", predict = "Predict"
        case closeTask = "CloseTask", query = "Query", secureAggregationStep = "SecureAggregationStep"

        /// Whether the call streams its request (a header, then parameter chunks).
        public var isStreamed: Bool { self == .train || self == .evaluate || self == .predict }
    }

    /// What a call's messages carry, in bf's types.
    public enum Content: Sendable, Equatable {
        case describe
        /// The user whose roles are asked for.
        case roles(user: String)
        /// A task request (`Request` and `Schema`).
        case task(TaskRequest)
        case modelTask(ModelTaskRequest)
        case round(RoundRequest)
        case keyShare(SecureRoundSetup)
        /// A model and the rows to score (`Evaluate` and `Predict`).
        case model(task: UUID, part: DataPart, parameters: ParameterSet)
        case closeTask(UUID)
        case query(QueryRequest)
        case secureAggregationStep(SecAggPlusStepRequest)
    }

    /// A received call as the server judges it before its pod sees it.
    public struct Judged: Sendable {
        /// Who the call claims to come from (`(unsigned)` when its metadata names no one).
        public let caller: String
        /// Why the server refuses the call's signature, or nil when it holds.
        public let refusal: CallRefusal?
        /// The digest of the call's messages, which the signature covers.
        public let bodyDigest: Data
        /// What the messages carry, or why the server answers them with 'invalid argument'.
        public let content: Result<Content, any Error>
    }

    /// Judges a call to `method` of `pod` with `metadata` (name and value pairs) and
    /// serialized `messages` as the server does: throws when a message is not a valid
    /// protobuf message of the method's request type (gRPC refuses the call before the
    /// server sees it). `publicKey` gives the key the hub holds for a user; `ledger` records
    /// the nonces of accepted calls.
    public static func judge(_ method: Method, metadata: [(name: String, value: String)], messages: [[UInt8]],
                             pod: PodIdentifier, publicKey: (String) -> Data?, ledger: NonceLedger,
                             now: Date = Date()) throws -> Judged {
        var headers = Metadata()
        for (name, value) in metadata { headers.addString(value, forKey: name) }
        let (content, digest) = try decode(method, messages)
        let (caller, refusal) = CallMetadata.check(headers, method: method.rawValue, pod: pod, bodyDigest: digest,
                                                   publicKey: publicKey, ledger: ledger, now: now)
        return Judged(caller: caller, refusal: refusal, bodyDigest: digest, content: Result { try content() })
    }

    /// The messages deserialized as `Request`, and their digest.
    private static func messages<Request: SwiftProtobuf.Message>(_ serialized: [[UInt8]], as _: Request.Type) throws -> ([Request], Data) {
        let deserializer = ProtobufDeserializer<Request>()
        let messages = try serialized.map { try deserializer.deserialize($0) }
        return (messages, try CallMetadata.digest(messages))
    }

    /// A unary call's one message.
    private static func single<Request>(_ messages: [Request]) throws(WireError) -> Request {
        guard messages.count == 1 else {
            throw .malformed(field: "request", reason: "a unary call carries one message, not \(messages.count)")
        }
        return messages[0]
    }

    /// The call's digest, and how its content is decoded: each as `PodService`'s handler for
    /// `method` decodes it.
    private static func decode(_ method: Method, _ serialized: [[UInt8]]) throws -> (() throws -> Content, Data) {
        switch method {
        case .describe:
            let (parts, digest) = try messages(serialized, as: Bf_Pod_V1_DescribeRequest.self)
            return ({ _ = try single(parts); return .describe }, digest)
        case .roles:
            let (parts, digest) = try messages(serialized, as: Bf_Pod_V1_RolesRequest.self)
            return ({ .roles(user: try single(parts).user) }, digest)
        case .request, .schema:
            let (parts, digest) = try messages(serialized, as: Bf_Pod_V1_TaskRequest.self)
            return ({ .task(try Wire.request(try single(parts))) }, digest)
        case .openTask:
            let (parts, digest) = try messages(serialized, as: Bf_Pod_V1_ModelTaskRequest.self)
            return ({ .modelTask(try Wire.modelTask(try single(parts))) }, digest)
        case .train:
            let (parts, digest) = try messages(serialized, as: Bf_Pod_V1_RoundRequestPart.self)
            return ({ .round(try Wire.round(parts)) }, digest)
        case .keyShare:
            let (parts, digest) = try messages(serialized, as: Bf_Pod_V1_SecureRoundSetup.self)
            return ({ .keyShare(try Wire.setup(try single(parts))) }, digest)
        case .evaluate, .predict:
            let (parts, digest) = try messages(serialized, as: Bf_Pod_V1_ModelRequestPart.self)
            return ({
                let (task, part, parameters) = try Wire.modelRequest(parts)
                return .model(task: task, part: part, parameters: parameters)
            }, digest)
        case .closeTask:
            let (parts, digest) = try messages(serialized, as: Bf_Pod_V1_CloseTaskRequest.self)
            return ({ .closeTask(try Wire.uuid(try single(parts).task, field: "task")) }, digest)
        case .query:
            let (parts, digest) = try messages(serialized, as: Bf_Pod_V1_QueryRequest.self)
            return ({ .query(try Wire.query(try single(parts))) }, digest)
        case .secureAggregationStep:
            let (parts, digest) = try messages(serialized, as: Bf_Pod_V1_SecureAggregationStepRequest.self)
            return ({ .secureAggregationStep(try Wire.step(try single(parts))) }, digest)
        }
    }
}

/// A pod's answer as a modeller's connection (`RemotePodConnection`) receives it, decoded
/// without a network by the same conversions: what a modeller reads from a pod it does not
/// control. The fuzz target `fuzz-wire` drives every answer through it.
public enum ReceivedAnswer {
    /// The answers a connection decodes.
    public enum Kind: String, CaseIterable, Sendable {
        case description, taskResponse, schemaResponse, keyShare, evaluationReport, predictionSummary, query
        /// A training round's stream: progress, then the update's header and its chunks.
        case roundEvents
        /// A pod's answer to a step of a dropout-tolerant secure round.
        case secureAggregationStep
    }

    /// The value `messages` (serialized; several only for `roundEvents`) carry, or the error
    /// the connection reports them with.
    public static func decode(_ kind: Kind, messages: [[UInt8]]) throws -> any Sendable {
        func one<Answer: SwiftProtobuf.Message>(_: Answer.Type) throws -> Answer {
            guard messages.count == 1 else {
                throw WireError.malformed(field: "answer", reason: "a unary answer is one message, not \(messages.count)")
            }
            return try ProtobufDeserializer<Answer>().deserialize(messages[0])
        }
        switch kind {
        case .description: return try Wire.description(try one(Bf_Pod_V1_PodDescription.self))
        case .taskResponse: return try Wire.response(try one(Bf_Pod_V1_TaskResponse.self))
        case .schemaResponse: return try Wire.schemaResponse(try one(Bf_Pod_V1_SchemaResponse.self))
        case .keyShare: return try Wire.keyShare(try one(Bf_Pod_V1_SignedKeyShare.self))
        case .evaluationReport: return try Wire.report(try one(Bf_Pod_V1_EvaluationReport.self))
        case .predictionSummary: return try Wire.summary(try one(Bf_Pod_V1_PredictionSummary.self))
        case .query: return try Wire.queryResponse(try one(Bf_Pod_V1_QueryResponse.self))
        case .secureAggregationStep: return try Wire.stepAnswer(try one(Bf_Pod_V1_SecureAggregationStepAnswer.self))
        case .roundEvents:
            var reader = Wire.RoundEventReader()
            var events: [RoundEvent] = []
            for message in messages {
                if let progress = reader.read(try ProtobufDeserializer<Bf_Pod_V1_RoundEventPart>().deserialize(message)) {
                    events.append(.progress(progress))
                }
            }
            if let update = try reader.update() { events.append(.finished(update)) }
            return events
        }
    }
}
