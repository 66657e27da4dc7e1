import Federation
import Foundation
import GRPCCore
import Learning
import SwiftProtobuf
import Synchronization

/// The pod service for one embedded pod: every call is checked (signature, pod name, rate)
/// before the pod sees it, then handed to the pod as a call of the authenticated user, which
/// the pod judges and audits as it does in process (only a task's opener may use it).
/// Refused calls are logged and go to the pod's audit log; the server keeps serving.
final class PodService: Bf_Pod_V1_Pod.ServiceProtocol {
    private let pod: LocalPodConnection
    private let hub: Hub
    private let limits: PodServerLimits
    private let log: @Sendable (String) -> Void
    /// The nonces of accepted calls, kept in the hub's store so that a restart forgets none.
    private let ledger: NonceLedger
    private let limiter: CallRateLimiter
    private let knownKeys = Mutex<[String: Data]>([:])

    init(pod: LocalPodConnection, hub: Hub, limits: PodServerLimits, log: @escaping @Sendable (String) -> Void) {
        self.pod = pod
        self.hub = hub
        self.limits = limits
        self.log = log
        ledger = hub.callLedger(for: pod.identifier)
        limiter = CallRateLimiter(callsPerSecond: limits.callsPerSecond)
    }

    // MARK: Calls

    func describe(request: ServerRequest<Bf_Pod_V1_DescribeRequest>, context: ServerContext) async throws -> ServerResponse<Bf_Pod_V1_PodDescription> {
        try await unary("Describe", request, kind: .schema) { _, _ in Wire.message(try await self.pod.describe()) }
    }

    func roles(request: ServerRequest<Bf_Pod_V1_RolesRequest>, context: ServerContext) async throws -> ServerResponse<Bf_Pod_V1_RolesResponse> {
        try await unary("Roles", request, kind: .schema) { user, message in
            guard message.user == user else {
                throw RPCError(code: .permissionDenied, message: "'\(user)' may ask only for their own roles, not those of '\(message.user)'")
            }
            let roles = try await self.pod.roles(of: user)
            return .with { $0.roles = roles.map(\.rawValue) }
        }
    }

    func request(request: ServerRequest<Bf_Pod_V1_TaskRequest>, context: ServerContext) async throws -> ServerResponse<Bf_Pod_V1_TaskResponse> {
        try await unary("Request", request, kind: .schema) { user, message in
            let task = try self.signedBy(user, try Wire.request(message))
            return try Wire.message(try await self.pod.request(task))
        }
    }

    func schema(request: ServerRequest<Bf_Pod_V1_TaskRequest>, context: ServerContext) async throws -> ServerResponse<Bf_Pod_V1_SchemaResponse> {
        try await unary("Schema", request, kind: .schema) { user, message in
            let task = try self.signedBy(user, try Wire.request(message))
            return try Wire.message(try await self.pod.schema(task))
        }
    }

    func openTask(request: ServerRequest<Bf_Pod_V1_ModelTaskRequest>, context: ServerContext) async throws -> ServerResponse<Bf_Pod_V1_TaskResponse> {
        try await unary("OpenTask", request, kind: .train) { user, message in
            let task = try Wire.modelTask(message)
            _ = try self.signedBy(user, task.request)
            return try Wire.message(try await self.pod.openTask(task))
        }
    }

    func train(request: StreamingServerRequest<Bf_Pod_V1_RoundRequestPart>, context: ServerContext) async throws -> StreamingServerResponse<Bf_Pod_V1_RoundEventPart> {
        let started = ContinuousClock.now
        let (parts, digest) = try await collect(request.messages)
        let user = try authenticate("Train", request.metadata, digest: digest, kind: .train)
        let round: RoundRequest
        do {
            round = try Wire.round(parts)
        } catch {
            throw failed(error, user: user, method: "Train", started: started)
        }
        return StreamingServerResponse { writer in
            do {
                for try await event in self.pod.calling(as: user).train(round) {
                    for part in try Wire.parts(event) { try await writer.write(part) }
                }
                try Task.checkCancellation()
                self.log(Self.line(user, "Train", "ok (round \(round.round + 1))", started))
                return [:]
            } catch {
                throw self.failed(error, user: user, method: "Train", started: started)
            }
        }
    }

    func keyShare(request: ServerRequest<Bf_Pod_V1_SecureRoundSetup>, context: ServerContext) async throws -> ServerResponse<Bf_Pod_V1_SignedKeyShare> {
        try await unary("KeyShare", request, kind: .train) { user, message in
            return try Wire.message(try await self.pod.calling(as: user).keyShare(try Wire.setup(message)))
        }
    }

    func secureAggregationStep(
        request: ServerRequest<Bf_Pod_V1_SecureAggregationStepRequest>, context: ServerContext
    ) async throws -> ServerResponse<Bf_Pod_V1_SecureAggregationStepAnswer> {
        try await unary("SecureAggregationStep", request, kind: .train) { user, message in
            return try Wire.message(try await self.pod.calling(as: user).secureAggregationStep(try Wire.step(message)))
        }
    }

    func evaluate(request: StreamingServerRequest<Bf_Pod_V1_ModelRequestPart>, context: ServerContext) async throws -> ServerResponse<Bf_Pod_V1_EvaluationReport> {
        try await streamed("Evaluate", request, kind: .evaluate) { user, parts in
            let (task, part, parameters) = try Wire.modelRequest(parts)
            return try Wire.message(try await self.pod.calling(as: user).evaluate(EvaluationRequest(task: task, parameters: parameters, part: part)))
        }
    }

    func predict(request: StreamingServerRequest<Bf_Pod_V1_ModelRequestPart>, context: ServerContext) async throws -> ServerResponse<Bf_Pod_V1_PredictionSummary> {
        try await streamed("Predict", request, kind: .predict) { user, parts in
            let (task, part, parameters) = try Wire.modelRequest(parts)
            return Wire.message(try await self.pod.calling(as: user).predict(PredictionRequest(task: task, parameters: parameters, part: part)))
        }
    }

    func closeTask(request: ServerRequest<Bf_Pod_V1_CloseTaskRequest>, context: ServerContext) async throws -> ServerResponse<Bf_Pod_V1_CloseTaskResponse> {
        try await unary("CloseTask", request, kind: .train) { user, message in
            try await self.pod.calling(as: user).closeTask(try Wire.uuid(message.task, field: "task"))
            return Bf_Pod_V1_CloseTaskResponse()
        }
    }

    func query(request: ServerRequest<Bf_Pod_V1_QueryRequest>, context: ServerContext) async throws -> ServerResponse<Bf_Pod_V1_QueryResponse> {
        try await unary("Query", request, kind: .sql) { user, message in
            let query = try Wire.query(message)
            _ = try self.signedBy(user, query.request)
            let response = try Wire.json(try await self.pod.query(query))
            return .with { $0.responseJson = response }
        }
    }

    // MARK: Checks

    /// Runs a unary call: authenticates it, runs `body`, logs one line.
    private func unary<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        _ method: String, _ request: ServerRequest<Input>, kind: TaskKind,
        _ body: @escaping (String, Input) async throws -> Output
    ) async throws -> ServerResponse<Output> {
        let started = ContinuousClock.now
        let user = try authenticate(method, request.metadata, digest: try CallMetadata.digest([request.message]), kind: kind)
        do {
            let output = try await body(user, request.message)
            log(Self.line(user, method, "ok", started))
            return ServerResponse(message: output)
        } catch {
            throw failed(error, user: user, method: method, started: started)
        }
    }

    /// Runs a client-streaming call: reads every part, authenticates them, runs `body`.
    private func streamed<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        _ method: String, _ request: StreamingServerRequest<Input>, kind: TaskKind,
        _ body: @escaping (String, [Input]) async throws -> Output
    ) async throws -> ServerResponse<Output> {
        let started = ContinuousClock.now
        let (parts, digest) = try await collect(request.messages)
        let user = try authenticate(method, request.metadata, digest: digest, kind: kind)
        do {
            let output = try await body(user, parts)
            log(Self.line(user, method, "ok", started))
            return ServerResponse(message: output)
        } catch {
            throw failed(error, user: user, method: method, started: started)
        }
    }

    /// Every message of a streamed request, up to the request size limit, and their digest.
    private func collect<Input: SwiftProtobuf.Message>(_ messages: RPCAsyncSequence<Input, any Error>) async throws -> (parts: [Input], digest: Data) {
        var parts: [Input] = []
        var digest = CallMetadata.Digest()
        for try await message in messages {
            try digest.add(message)
            guard digest.byteCount <= limits.maximumRequestBytes else {
                throw RPCError(code: .resourceExhausted,
                               message: "the request is larger than this pod accepts (\(limits.maximumRequestBytes >> 20) MiB)")
            }
            parts.append(message)
        }
        return (parts, digest.finalize())
    }

    /// The caller, when the call's signature holds; otherwise the refusal, logged and audited.
    private func authenticate(_ method: String, _ metadata: Metadata, digest: Data, kind: TaskKind) throws -> String {
        let (caller, problem) = try CallMetadata.check(metadata, method: method, pod: pod.identifier, bodyDigest: digest,
                                                       publicKey: publicKey(of:), ledger: ledger)
        guard let refusal = problem else {
            guard limiter.admit(caller) else {
                log(Self.line(caller, method, "refused: over \(limits.callsPerSecond) calls a second", .now))
                throw RPCError(code: .resourceExhausted,
                               message: "too many calls from '\(caller)': this pod takes at most \(limits.callsPerSecond) a second")
            }
            return caller
        }
        log(Self.line(caller, method, "refused: \(refusal)", .now))
        try? hub.recordRefusedCall(pod: pod.identifier, caller: caller, kind: kind, reason: "\(method): \(refusal)")
        throw RPCError(code: .permissionDenied, message: refusal.description)
    }

    /// The key the pod's hub holds for `user`. Found keys are kept: a user's key never
    /// changes in a hub (registering another key for a name is refused).
    private func publicKey(of user: String) throws -> Data? {
        if let known = knownKeys.withLock({ $0[user] }) { return known }
        guard let key = try hub.publicKey(of: user) else { return nil }
        knownKeys.withLock { $0[user] = key }
        return key
    }

    /// `request`, when its signed modeller is the caller.
    private func signedBy(_ user: String, _ request: TaskRequest) throws -> TaskRequest {
        guard request.modeller == user else {
            throw RPCError(code: .permissionDenied, message: "the request is signed by '\(request.modeller)' but sent by '\(user)'")
        }
        return request
    }

    /// The status a failed call ends with, logged.
    private func failed(_ error: any Error, user: String, method: String, started: ContinuousClock.Instant) -> RPCError {
        let status: RPCError
        switch error {
        case let error as RPCError: status = error
        case is CancellationError: status = RPCError(code: .cancelled, message: "the call was cancelled")
        case let error as WireError: status = RPCError(code: .invalidArgument, message: error.description)
        default:
            var metadata: Metadata = [:]
            if let column = (error as? any PodDataMismatchReporting)?.mismatchedColumn {
                metadata.addString(column, forKey: TransportError.mismatchedColumnKey)
            }
            status = RPCError(code: .failedPrecondition, message: failureReason(of: error), metadata: metadata)
        }
        log(Self.line(user, method, "\(status.code): \(status.message)", started))
        return status
    }

    private static func line(_ user: String, _ method: String, _ outcome: String, _ started: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - started
        let tenths = elapsed.components.seconds * 10_000 + elapsed.components.attoseconds / 100_000_000_000_000
        return "\(Date.now.formatted(.iso8601)) \(user) \(method) \(outcome) (\(tenths / 10).\(tenths % 10) ms)"
    }
}

/// A token bucket per user: each may make `callsPerSecond` calls a second on average, in
/// bursts of up to that many.
final class CallRateLimiter: Sendable {
    private let callsPerSecond: Int
    private let buckets = Mutex<[String: (tokens: Double, at: ContinuousClock.Instant)]>([:])

    init(callsPerSecond: Int) {
        self.callsPerSecond = callsPerSecond
    }

    /// Whether `user` may make a call now (and takes a token).
    func admit(_ user: String, now: ContinuousClock.Instant = .now) -> Bool {
        buckets.withLock { buckets in
            let capacity = Double(callsPerSecond)
            var (tokens, at) = buckets[user] ?? (capacity, now)
            let elapsed = now - at
            tokens = min(capacity, tokens + capacity * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            guard tokens >= 1 else {
                buckets[user] = (tokens, now)
                return false
            }
            buckets[user] = (tokens - 1, now)
            return true
        }
    }
}

/// What a pod server accepts.
public struct PodServerLimits: Sendable {
    /// The most calls a second from one user.
    public var callsPerSecond: Int
    /// The largest single message, in bytes.
    public var maximumMessageBytes: Int
    /// The largest streamed request (all its messages), in bytes.
    public var maximumRequestBytes: Int

    /// Limits with defaults that fit the tutorials' models many times over.
    public init(callsPerSecond: Int = 2000, maximumMessageBytes: Int = 4 << 20, maximumRequestBytes: Int = 512 << 20) {
        self.callsPerSecond = callsPerSecond
        self.maximumMessageBytes = maximumMessageBytes
        self.maximumRequestBytes = maximumRequestBytes
    }
}
