import Federation
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Learning
import Synchronization
import SwiftProtobuf

/// A pod served by `bf pod serve`, reached over gRPC: the same calls as an embedded pod,
/// each signed by the modeller's key, with a deadline on every call and a progress deadline
/// on training rounds.
public final class RemotePodConnection: PodConnection, Sendable {
    /// The pod reached.
    public let identifier: PodIdentifier
    /// Where it is served.
    public let address: PodAddress
    private let service: Bf_Pod_V1_Pod.Client<HTTP2ClientTransport.Posix>
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let identity: LocalIdentity
    private let settings: RemoteSettings
    private let connections: Task<Void, Never>

    /// Connects to the pod at `address` as `identity` and asks it for its details.
    public static func connect(to address: PodAddress, as identity: LocalIdentity,
                               settings: RemoteSettings = RemoteSettings()) async throws -> RemotePodConnection {
        guard let podName = address.podName else {
            throw PodAddressError.notAnAddress(address.description, reason: "it names no pod; add /POD")
        }
        let target: any ResolvableTarget = address.host.contains(":")
            ? .ipv6(address: address.host, port: address.port)
            : address.host.allSatisfy({ $0.isNumber || $0 == "." }) ? .ipv4(address: address.host, port: address.port)
            : .dns(host: address.host, port: address.port)
        let client = GRPCClient(transport: try .http2NIOPosix(target: target, transportSecurity: try TransportSecurity.client(settings.tls)))
        let connections = Task<Void, Never> { try? await client.runConnections() }
        let service = Bf_Pod_V1_Pod.Client(wrapping: client)
        do {
            let described = try await Self.signed("Describe", Bf_Pod_V1_DescribeRequest(), pod: podName, label: address.description,
                                                  identity: identity, deadline: settings.callDeadline, tls: settings.tls) { request, options in
                try await service.describe(request: request, options: options)
            }
            let description = try Wire.description(described)
            return RemotePodConnection(identifier: description.identifier, address: address, service: service, client: client,
                                       identity: identity, settings: settings, connections: connections)
        } catch {
            client.beginGracefulShutdown()
            throw error
        }
    }

    private init(identifier: PodIdentifier, address: PodAddress, service: Bf_Pod_V1_Pod.Client<HTTP2ClientTransport.Posix>,
                 client: GRPCClient<HTTP2ClientTransport.Posix>, identity: LocalIdentity, settings: RemoteSettings,
                 connections: Task<Void, Never>) {
        self.identifier = identifier
        self.address = address
        self.service = service
        self.client = client
        self.identity = identity
        self.settings = settings
        self.connections = connections
    }

    deinit {
        client.beginGracefulShutdown()
    }

    /// Closes the connection (calls in flight finish first).
    public func close() {
        client.beginGracefulShutdown()
    }

    // MARK: PodConnection

    public func describe() async throws -> PodDescription {
        try decoded(try await unary("Describe", Bf_Pod_V1_DescribeRequest()) { try await self.service.describe(request: $0, options: $1) },
                    Wire.description)
    }

    public func roles(of user: String) async throws -> [Role] {
        let answer = try await unary("Roles", Bf_Pod_V1_RolesRequest.with { $0.user = user }) {
            try await self.service.roles(request: $0, options: $1)
        }
        return try answer.roles.map { text in
            guard let role = Role(rawValue: text) else {
                throw TransportError.malformedAnswer(pod: label, reason: "'\(text)' is not a role")
            }
            return role
        }
    }

    public func request(_ task: TaskRequest) async throws -> TaskResponse {
        try decoded(try await unary("Request", Wire.message(task)) { try await self.service.request(request: $0, options: $1) },
                    Wire.response)
    }

    public func schema(_ task: TaskRequest) async throws -> SchemaResponse {
        try decoded(try await unary("Schema", Wire.message(task)) { try await self.service.schema(request: $0, options: $1) },
                    Wire.schemaResponse)
    }

    public func openTask(_ task: ModelTaskRequest) async throws -> TaskResponse {
        try decoded(try await unary("OpenTask", Wire.message(task)) { try await self.service.openTask(request: $0, options: $1) },
                    Wire.response)
    }

    public func keyShare(_ setup: SecureRoundSetup) async throws -> SignedKeyShare {
        try decoded(try await unary("KeyShare", try Wire.message(setup)) { try await self.service.keyShare(request: $0, options: $1) },
                    Wire.keyShare)
    }

    public func secureAggregationStep(_ request: SecAggPlusStepRequest) async throws -> SecAggPlusStepAnswer {
        try decoded(try await unary("SecureAggregationStep", try Wire.message(request)) {
            try await self.service.secureAggregationStep(request: $0, options: $1)
        }, Wire.stepAnswer)
    }

    public func evaluate(_ request: EvaluationRequest) async throws -> EvaluationReport {
        let parts = Wire.parts(task: request.task, part: request.part, parameters: request.parameters)
        let answer = try await streamed("Evaluate", parts) { metadata, options in
            try await self.service.evaluate(metadata: metadata, options: options) { try await $0.write(contentsOf: parts) }
        }
        return try decoded(answer, Wire.report)
    }

    public func predict(_ request: PredictionRequest) async throws -> PredictionSummary {
        let parts = Wire.parts(task: request.task, part: request.part, parameters: request.parameters)
        let answer = try await streamed("Predict", parts) { metadata, options in
            try await self.service.predict(metadata: metadata, options: options) { try await $0.write(contentsOf: parts) }
        }
        return try decoded(answer, Wire.summary)
    }

    public func closeTask(_ task: UUID) async throws {
        _ = try await unary("CloseTask", Bf_Pod_V1_CloseTaskRequest.with { $0.task = task.uuidString }) {
            try await self.service.closeTask(request: $0, options: $1)
        }
    }

    public func query(_ task: QueryRequest) async throws -> QueryResponse {
        let answer = try await unary("Query", Wire.message(task)) { try await self.service.query(request: $0, options: $1) }
        return try decoded(answer, Wire.queryResponse)
    }

    /// One round at the pod: the request goes up in chunks; progress comes back after every
    /// batch, then the update. The round fails, naming the pod, when it stays silent for
    /// longer than the progress deadline; cancelling the stream cancels the call, which
    /// stops the pod at its next batch boundary.
    public func train(_ round: RoundRequest) -> AsyncThrowingStream<RoundEvent, any Error> {
        AsyncThrowingStream { continuation in
            let worker = Task {
                do {
                    try await self.runRound(round) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in worker.cancel() }
        }
    }

    private func runRound(_ round: RoundRequest, emit: @escaping @Sendable (RoundEvent) -> Void) async throws {
        let parts = try Wire.parts(round)
        let metadata = try sign("Train", digest: try CallMetadata.digest(parts))
        let lastHeard = Heartbeat()
        let deadline = settings.progressDeadline
        let label = self.label
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while true {
                        try await Task.sleep(for: min(deadline / 4, .seconds(1)))
                        if lastHeard.silence > deadline {
                            throw TransportError.stalled(pod: label, seconds: Int(deadline.components.seconds))
                        }
                    }
                }
                group.addTask {
                    try await self.service.train(metadata: metadata, options: .defaults,
                                                 requestProducer: { try await $0.write(contentsOf: parts) }) { response in
                        var reader = Wire.RoundEventReader()
                        for try await message in response.messages {
                            lastHeard.beat()
                            if let progress = reader.read(message) { emit(.progress(progress)) }
                        }
                        do {
                            if let update = try reader.update() { emit(.finished(update)) }
                        } catch {
                            throw TransportError.malformedAnswer(pod: label, reason: "\(error)")
                        }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let error as RPCError {
            throw TransportError.from(error, pod: label, call: "Train", deadline: deadline, tls: settings.tls)
        }
    }

    // MARK: Signed calls

    private var label: String { "'\(identifier.name)' at \(address)" }

    private func sign(_ method: String, digest: Data) throws -> Metadata {
        CallMetadata.metadata(try CallSignature.sign(method: method, pod: identifier.description, bodyDigest: digest, by: identity))
    }

    private func unary<Input: SwiftProtobuf.Message, Output: Sendable>(
        _ method: String, _ message: Input,
        _ perform: @escaping (ClientRequest<Input>, CallOptions) async throws -> Output
    ) async throws -> Output {
        try await Self.signed(method, message, pod: identifier.description, label: label, identity: identity,
                              deadline: settings.callDeadline, tls: settings.tls, perform)
    }

    private func streamed<Input: SwiftProtobuf.Message, Output: Sendable>(
        _ method: String, _ parts: [Input],
        _ perform: @escaping (Metadata, CallOptions) async throws -> Output
    ) async throws -> Output {
        let metadata = try sign(method, digest: try CallMetadata.digest(parts))
        var options = CallOptions.defaults
        options.timeout = settings.callDeadline
        do {
            return try await perform(metadata, options)
        } catch let error as RPCError {
            throw TransportError.from(error, pod: label, call: method, deadline: settings.callDeadline, tls: settings.tls)
        }
    }

    private static func signed<Input: SwiftProtobuf.Message, Output: Sendable>(
        _ method: String, _ message: Input, pod: String, label: String, identity: LocalIdentity, deadline: Duration,
        tls: TLSFiles?, _ perform: (ClientRequest<Input>, CallOptions) async throws -> Output
    ) async throws -> Output {
        let signature = try CallSignature.sign(method: method, pod: pod, bodyDigest: try CallMetadata.digest([message]), by: identity)
        var options = CallOptions.defaults
        options.timeout = deadline
        do {
            return try await perform(ClientRequest(message: message, metadata: CallMetadata.metadata(signature)), options)
        } catch let error as RPCError {
            throw TransportError.from(error, pod: label, call: method, deadline: deadline, tls: tls)
        }
    }

    private func decoded<Message, Value>(_ message: Message, _ decode: (Message) throws(WireError) -> Value) throws -> Value {
        do {
            return try decode(message)
        } catch {
            throw TransportError.malformedAnswer(pod: label, reason: error.description)
        }
    }
}

/// When a round's stream last brought a message.
private final class Heartbeat: Sendable {
    private let last = Mutex(ContinuousClock.now)

    /// Records a message now.
    func beat() {
        last.withLock { $0 = .now }
    }

    /// How long since the last message.
    var silence: Duration {
        ContinuousClock.now - last.withLock { $0 }
    }
}

/// Reaches pods over gRPC: the dialer the `bf` command gives its hub.
public struct GRPCPodDialer: PodDialer {
    /// A dialer.
    public init() {}

    public func connect(to address: PodAddress, as identity: LocalIdentity, settings: RemoteSettings) async throws -> any PodConnection {
        try await RemotePodConnection.connect(to: address, as: identity, settings: settings)
    }
}
