import Federation
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Synchronization

/// Serves one pod of a hub through a relay (`bf pod serve POD --connect bf://RELAY`): the pod
/// never listens; it dials the relay, attaches with a hello signed by its owner's key, and
/// answers the calls that come down the attachment with the same pod service a listening
/// pod runs (a gRPC server whose transport is the attachment, `TunnelServerTransport`), so
/// every call is checked and judged here, at the pod, exactly as when the modeller dials the
/// pod itself. When the attachment drops, the pod
/// dials again with backoff.
public struct RelayedPodServer: Sendable {
    /// Which relay, and how to reach it.
    public struct Options: Sendable {
        /// The relay, `bf://HOST:PORT`.
        public var relay: PodAddress
        /// TLS files, or nil for plaintext: a CA to trust the relay's certificate (else the
        /// system's), and this pod's certificate when the relay asks for one.
        public var tls: TLSFiles?
        /// What the pod accepts.
        public var limits: PodServerLimits
        /// The first wait before dialling again after the attachment drops; it doubles up
        /// to `longestRetryDelay`.
        public var firstRetryDelay: Duration
        public var longestRetryDelay: Duration

        /// Options for attaching to `relay`.
        public init(relay: PodAddress, tls: TLSFiles? = nil, limits: PodServerLimits = PodServerLimits(),
                    firstRetryDelay: Duration = .seconds(1), longestRetryDelay: Duration = .seconds(30)) {
            self.relay = relay
            self.tls = tls
            self.limits = limits
            self.firstRetryDelay = firstRetryDelay
            self.longestRetryDelay = longestRetryDelay
        }
    }

    private let pod: LocalPodConnection
    private let hub: Hub
    private let owner: LocalIdentity
    private let options: Options
    private let log: @Sendable (String) -> Void

    /// A server for `pod` (a pod of `hub` owned by `owner`), logging one line per call and
    /// every change of its attachment through `log`.
    public init(pod: LocalPodConnection, hub: Hub, owner: LocalIdentity, options: Options, log: @escaping @Sendable (String) -> Void) {
        self.pod = pod
        self.hub = hub
        self.owner = owner
        self.options = options
        self.log = log
    }

    /// The relay as the pod dialled it, `bf://HOST:PORT`.
    private var relayName: String { PodAddress(host: options.relay.host, port: options.relay.port).description }

    /// Serves until the task is cancelled. `attached` is told each time the relay accepts the
    /// pod (`again` after a reconnection). Throws when the first attachment fails (the relay
    /// cannot be reached, or refuses the pod), or when the relay refuses the pod or another
    /// server of the same pod replaces this one later.
    public func run(attached: @escaping @Sendable (_ again: Bool) -> Void) async throws {
        let tunnel = TunnelServerTransport()
        let service = PodService(pod: pod, hub: hub, limits: options.limits, log: log)
        let server = GRPCServer(transport: tunnel, services: [service])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            defer { server.beginGracefulShutdown() }
            try await keepAttached(tunnel, attached: attached)
        }
    }

    /// Attaches, and attaches again whenever the attachment drops, until cancelled.
    private func keepAttached(_ tunnel: TunnelServerTransport, attached: @escaping @Sendable (Bool) -> Void) async throws {
        let everAttached = Shared(false)
        let attachedAt = Shared<ContinuousClock.Instant?>(nil)
        var delay = options.firstRetryDelay
        while !Task.isCancelled {
            let reason: String
            do {
                try await attachOnce(tunnel) {
                    attachedAt.withLock { $0 = .now }
                    attached(everAttached.withLock { ever in
                        defer { ever = true }
                        return ever
                    })
                }
                reason = "the relay ended the attachment"
            } catch let error as RPCError {
                if Task.isCancelled { return }
                let failure = TransportError.relayFailure(error, relay: relayName, pod: pod.identifier, tls: options.tls)
                switch failure {
                case .relayRefused, .replacedAtRelay: throw failure
                default: break
                }
                guard everAttached.current else { throw failure }
                if case let .relayUnreachable(_, inner) = failure { reason = inner } else { reason = failure.reason }
            } catch {
                if Task.isCancelled || error is CancellationError { return }
                guard everAttached.current else { throw error }
                reason = "\(error)"
            }
            // An attachment that held a while starts the backoff over; one the relay drops at
            // once does not, so a relay that keeps dropping the pod is not dialled in a loop.
            let held = attachedAt.withLock { at in
                defer { at = nil }
                return at
            }
            if let held, ContinuousClock.now - held > .seconds(10) { delay = options.firstRetryDelay }
            let when = Date.now.formatted(.iso8601)
            let shown = reason.hasSuffix(".") ? String(reason.dropLast()) : reason
            log(held != nil ? "\(when) lost the relay at \(relayName): \(shown); dialling again in \(Self.seconds(delay))"
                : "\(when) cannot reach the relay at \(relayName): \(shown); dialling again in \(Self.seconds(delay))")
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
            delay = min(delay * 2, options.longestRetryDelay)
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let tenths = duration.components.seconds * 10 + duration.components.attoseconds / 100_000_000_000_000_000
        return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
    }

    /// One attachment: dial, say hello, answer calls until the stream ends.
    private func attachOnce(_ tunnel: TunnelServerTransport, attached: @escaping @Sendable () -> Void) async throws {
        let hello = try AttachSignature.sign(pod: pod.identifier, relay: relayName, by: owner)
        let transport = try HTTP2ClientTransport.Posix(
            target: options.relay.resolvableTarget, transportSecurity: try TransportSecurity.client(options.tls),
            config: .defaults { config in
                // Pings notice a relay that vanished without closing the connection.
                config.connection.keepalive = .init(time: .seconds(20), timeout: .seconds(10), allowWithoutCalls: true)
            })
        let remote = GRPCClient(transport: transport)
        let limit = options.limits.maximumMessageBytes + RelayLimits.frameOverhead
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await remote.runConnections() }
            defer { remote.beginGracefulShutdown() }
            let (outbound, sink) = AsyncStream<Bf_Relay_V1_TunnelFrame>.makeStream()
            let calls = TunnelCalls(tunnel: tunnel, sink: sink, peer: relayName)
            defer {
                calls.cancelAll()
                sink.finish()
            }
            var options = CallOptions.defaults
            options.waitForReady = false
            options.maxResponseMessageBytes = limit
            options.maxRequestMessageBytes = limit
            try await Bf_Relay_V1_Relay.Client(wrapping: remote).attach(options: options, requestProducer: { writer in
                try await writer.write(.with {
                    $0.hello = .with {
                        $0.pod = hello.pod.description
                        $0.relay = hello.relay
                        $0.timestamp = hello.timestamp
                        $0.nonce = hello.nonce
                        $0.signature = hello.signature
                    }
                })
                for await frame in outbound { try await writer.write(frame) }
            }, onResponse: { response in
                defer { sink.finish() }
                var welcomed = false
                for try await frame in response.messages {
                    guard welcomed else {
                        guard case .attached? = frame.kind else {
                            throw RPCError(code: .invalidArgument, message: "the relay did not welcome the pod")
                        }
                        welcomed = true
                        attached()
                        continue
                    }
                    calls.receive(frame)
                }
                guard welcomed else { throw RPCError(code: .unavailable, message: "the relay closed the connection before accepting the pod") }
            })
        }
    }
}

extension PodAddress {
    /// Where a gRPC client dials this address.
    var resolvableTarget: any ResolvableTarget {
        host.contains(":") ? .ipv6(address: host, port: port)
            : host.allSatisfy({ $0.isNumber || $0 == "." }) ? .ipv4(address: host, port: port)
            : .dns(host: host, port: port)
    }
}
