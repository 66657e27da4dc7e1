import Federation
import Foundation
import GRPCCore
import Synchronization

/// The relay's two faces: `Attach`, where pods that never listen dial in, and the pod
/// service, which modellers call as they call a pod that listens. A modeller's call is
/// routed by the pod its signature names (`bf-pod`) to that pod's attachment and passed on
/// frame by frame, undecoded; the pod checks and judges it. The relay checks only who
/// attaches: the pod's hello must be signed by the key its hub holds for the pod's owner.
final class RelayService: Bf_Relay_V1_Relay.ServiceProtocol {
    private let hub: Hub
    private let pods = AttachedPods()
    private let ledger: NonceLedger
    private let identity: RelayIdentity
    private let log: @Sendable (String) -> Void
    /// How long a new connection may take to say who it is.
    static let helloDeadline = Duration.seconds(10)

    init(hub: Hub, identity: RelayIdentity, log: @escaping @Sendable (String) -> Void) {
        self.hub = hub
        ledger = hub.attachLedger()
        self.identity = identity
        self.log = log
    }

    /// Ends every attachment, so that the relay can stop; the pods dial again.
    func stop() {
        pods.closeAll(RPCError(code: .unavailable, message: "the relay at \(identity.name) is stopping"))
    }

    // MARK: Pods attaching

    func attach(request: StreamingServerRequest<Bf_Relay_V1_TunnelFrame>,
                context: ServerContext) async throws -> StreamingServerResponse<Bf_Relay_V1_TunnelFrame> {
        let peer = context.remotePeer
        return StreamingServerResponse { writer in
            let (outbound, sink) = AsyncStream<Bf_Relay_V1_TunnelFrame>.makeStream()
            let holder = Shared<RelayAttachment?>(nil)
            defer {
                sink.finish()
                if let attachment = holder.current {
                    self.pods.detach(attachment)
                    if attachment.closedReason == nil {
                        let cut = attachment.openCalls
                        attachment.close(RPCError(code: .unavailable,
                                                  message: "pod '\(attachment.pod)' disconnected from the relay at \(self.identity.name)"))
                        self.log("\(Self.now()) \(attachment.pod) detached" + (cut > 0 ? " (\(cut) calls cut off)" : ""))
                    }
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var frames = request.messages.makeAsyncIterator()
                    let attachment = try await self.admit(try await frames.next(), peer: peer, sink: sink)
                    holder.withLock { $0 = attachment }
                    while let frame = try await frames.next() { attachment.receive(frame) }
                }
                group.addTask {
                    try await Task.sleep(for: Self.helloDeadline)
                    guard holder.current != nil else {
                        self.log("\(Self.now()) refused an attachment from \(peer): no hello within \(Self.helloDeadline)")
                        throw RPCError(code: .deadlineExceeded, message: "the relay got no hello within \(Self.helloDeadline)")
                    }
                    while true { try await Task.sleep(for: .seconds(3600)) }
                }
                group.addTask {
                    for await frame in outbound { try await writer.write(frame) }
                    try Task.checkCancellation()
                    // The frames end before the pod hangs up only when the attachment is
                    // closed: replaced by a newer one, or the relay stopping.
                    throw holder.current?.closedReason ?? RPCError(code: .unavailable, message: "the relay closed the attachment")
                }
                // The first task to end ends the attachment: the pod hung up, or was replaced.
                _ = try await group.next()
                group.cancelAll()
            }
            return [:]
        }
    }

    /// The attachment a hello asks for, when the relay's hub knows the pod owner's key and
    /// the signature holds; an older attachment of the same pod is closed.
    private func admit(_ first: Bf_Relay_V1_TunnelFrame?, peer: String,
                       sink: AsyncStream<Bf_Relay_V1_TunnelFrame>.Continuation) async throws -> RelayAttachment {
        guard let first, case let .hello(hello)? = first.kind else {
            log("\(Self.now()) refused an attachment from \(peer): it did not start with a hello")
            throw RPCError(code: .invalidArgument, message: "an attachment starts with the pod's hello")
        }
        guard let pod = try? PodIdentifier(parsing: hello.pod) else {
            log("\(Self.now()) refused an attachment from \(peer): '\(hello.pod)' is not owner/name")
            throw RPCError(code: .invalidArgument, message: "'\(hello.pod)' is not a pod identifier (owner/name)")
        }
        let signature = AttachSignature(pod: pod, relay: hello.relay, timestamp: hello.timestamp, nonce: hello.nonce,
                                        signature: hello.signature)
        let key: Data?
        do {
            key = try hub.publicKey(of: pod.owner)
        } catch {
            throw RPCError(code: .unavailable, message: "the relay cannot read its store: \(failureReason(of: error))")
        }
        if let refusal = signature.refusal(ownerKey: key, namesThisRelay: identity.isNamed(by: hello.relay), ledger: ledger) {
            log("\(Self.now()) refused \(pod) from \(peer): \(refusal)")
            throw RPCError(code: .permissionDenied, message: refusal.description)
        }
        let attachment = RelayAttachment(pod: pod, sink: sink)
        attachment.send(.with { $0.attached = .with { $0.relay = self.identity.name } })
        if let replaced = pods.attach(attachment) {
            replaced.close(RPCError(code: .alreadyExists, message: "another 'bf pod serve' of '\(pod)' attached to the relay at \(identity.name) and replaced this one"))
            log("\(Self.now()) \(pod) attached again from \(peer), replacing its earlier attachment")
        } else {
            log("\(Self.now()) \(pod) attached from \(peer)")
        }
        return attachment
    }

    // MARK: Calls to pods

    /// The pod service, forwarded: every method of `bf.pod.v1.Pod`, as bytes.
    struct Forwarding: RegistrableRPCService {
        let relay: RelayService

        func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
            for method in Bf_Pod_V1_Pod.Method.descriptors {
                router.registerHandler(forMethod: method, deserializer: RelayedBytes(), serializer: RelayedBytes()) { request, context in
                    try await relay.forward(method.method, request)
                }
            }
        }
    }

    var forwarding: Forwarding { Forwarding(relay: self) }

    /// Passes a modeller's call to the attached pod it names, and the pod's answer back.
    /// Cancelling the call (the modeller's deadline, or the modeller going away) cancels it at
    /// the pod; the pod detaching fails it.
    func forward(_ method: String, _ request: StreamingServerRequest<Data>) async throws -> StreamingServerResponse<Data> {
        let started = ContinuousClock.now
        let caller = request.metadata[stringValues: CallMetadata.user].first(where: { _ in true }) ?? "(unsigned)"
        guard let named = request.metadata[stringValues: CallMetadata.pod].first(where: { _ in true }) else {
            log(Self.line(caller, "?", method, "refused: names no pod", started))
            throw RPCError(code: .invalidArgument, message: "the call names no pod (it has no '\(CallMetadata.pod)' metadata); the relay routes calls by it")
        }
        let matches = pods.find(named)
        guard matches.count == 1, let attachment = matches.first else {
            if matches.isEmpty {
                log(Self.line(caller, named, method, "not connected", started))
                var metadata = Metadata()
                metadata.addString(named, forKey: TransportError.relayMissingPodKey)
                metadata.addString(identity.name, forKey: TransportError.relayKey)
                throw RPCError(code: .unavailable, message: "pod '\(named)' is not connected to the relay at \(identity.name)",
                               metadata: metadata)
            }
            let owners = matches.map { "'\($0.pod)'" }.joined(separator: ", ")
            throw RPCError(code: .invalidArgument, message: "several pods named '\(named)' are attached to the relay (\(owners)); name it as owner/name")
        }
        let (id, events) = try attachment.open(method: method, metadata: request.metadata)
        return StreamingServerResponse { writer in
            var outcome = "ok"
            defer {
                attachment.finish(id)
                self.log(Self.line(caller, attachment.pod.description, method, outcome, started))
            }
            do {
                return try await withThrowingTaskGroup(of: Metadata?.self) { group in
                    group.addTask {
                        for try await message in request.messages { attachment.send(.message(id, message)) }
                        attachment.send(.endOfRequests(id))
                        return nil
                    }
                    group.addTask {
                        for try await event in events {
                            switch event {
                            case let .message(bytes):
                                try await writer.write(bytes)
                            case let .close(error, trailing):
                                if let error { throw error }
                                return trailing
                            }
                        }
                        // The call ended without a close: the caller cancelled it, or the relay is stopping.
                        try Task.checkCancellation()
                        throw RPCError(code: .unavailable, message: "the relay at \(self.identity.name) stopped")
                    }
                    while let result = try await group.next() {
                        if let trailing = result {
                            group.cancelAll()
                            return trailing
                        }
                    }
                    throw RPCError(code: .unavailable, message: "the relay at \(self.identity.name) stopped")
                }
            } catch let error as RPCError {
                outcome = "\(error.code): \(error.message)"
                throw error
            } catch {
                outcome = Task.isCancelled ? "cancelled" : "\(error)"
                throw error
            }
        }
    }

    private static func now() -> String { Date.now.formatted(.iso8601) }

    private static func line(_ caller: String, _ pod: String, _ method: String, _ outcome: String,
                             _ started: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - started
        let tenths = elapsed.components.seconds * 10_000 + elapsed.components.attoseconds / 100_000_000_000_000
        return "\(now()) \(caller) → \(pod) \(method) \(outcome) (\(tenths / 10).\(tenths % 10) ms)"
    }
}

/// How a relay names itself (`bf://HOST:PORT`), and which addresses a pod's hello may give
/// for it: its port, and its host, unless it listens on every address (then any host). The
/// port is known once the relay's socket is bound.
final class RelayIdentity: Sendable {
    let host: String
    private let boundPort: Mutex<Int>

    init(host: String, port: Int) {
        self.host = host
        boundPort = Mutex(port)
    }

    /// Records the port the socket was bound to.
    func bind(port: Int) {
        boundPort.withLock { $0 = port }
    }

    var port: Int { boundPort.withLock { $0 } }

    var listensEverywhere: Bool { host == "0.0.0.0" || host == "::" }

    /// `bf://HOST:PORT`, with the machine's name when the relay listens on every address.
    var name: String {
        PodAddress(host: listensEverywhere ? ProcessInfo.processInfo.hostName : host, port: port).description
    }

    /// Whether a pod that dialled `address` dialled this relay.
    func isNamed(by address: String) -> Bool {
        guard let dialled = try? PodAddress(parsing: address), dialled.podName == nil, dialled.port == port else { return false }
        if listensEverywhere { return true }
        return dialled.host.lowercased() == host.lowercased() || (dialled.isLoopback && PodAddress(host: host, port: port).isLoopback)
    }
}
