import Federation
import GRPCCore
import GRPCNIOTransportHTTP2

/// A rendezvous for pods that never listen (`bf relay`): pods dial it and attach
/// (`bf pod serve POD --connect bf://RELAY`), and modellers call them through it at
/// `bf://RELAY/POD` as they call a pod that listens. Which pods may attach is decided by the
/// keys of the relay's hub: a pod's hello must be signed by its owner's key.
public struct RelayServer: Sendable {
    /// Where and how to listen.
    public struct Options: Sendable {
        /// The host or address to listen on.
        public var host: String
        /// The port, or 0 for any free port (`run` reports the one chosen).
        public var port: Int
        /// TLS files, or nil for plaintext; with a CA, pods and modellers must present a
        /// certificate it signed.
        public var tls: TLSFiles?
        /// The largest single message of a call, in bytes (as a pod server's).
        public var maximumMessageBytes: Int

        /// Options for listening on `host:port`.
        public init(host: String, port: Int, tls: TLSFiles? = nil, maximumMessageBytes: Int = PodServerLimits().maximumMessageBytes) {
            self.host = host
            self.port = port
            self.tls = tls
            self.maximumMessageBytes = maximumMessageBytes
        }
    }

    private let hub: Hub
    private let options: Options
    private let log: @Sendable (String) -> Void

    /// A relay that admits the pods whose owners `hub` knows, logging attachments and calls.
    public init(hub: Hub, options: Options, log: @escaping @Sendable (String) -> Void) {
        self.hub = hub
        self.options = options
        self.log = log
    }

    /// Serves until the task is cancelled. `ready` gets the relay's address (`bf://HOST:PORT`)
    /// once the socket is bound.
    public func run(ready: @escaping @Sendable (String) -> Void) async throws {
        let limit = options.maximumMessageBytes
        let transport = HTTP2ServerTransport.Posix(
            address: socketAddress(host: options.host, port: options.port),
            transportSecurity: try TransportSecurity.server(options.tls),
            config: .defaults { config in
                // A frame carries one message of a call and a few bytes more.
                config.rpc.maxRequestPayloadSize = limit + RelayLimits.frameOverhead
                // Pods ping their attachment to notice a dead relay; let them. The relay pings
                // too, to notice a pod that vanished without closing its connection.
                config.connection.keepalive = .init(time: .seconds(30), timeout: .seconds(10),
                                                    clientBehavior: .init(minPingIntervalWithoutCalls: .seconds(10), allowWithoutCalls: true))
            })
        let identity = RelayIdentity(host: options.host, port: options.port)
        let relay = RelayService(hub: hub, identity: identity, log: log)
        let server = GRPCServer(transport: transport, services: [relay, relay.forwarding])
        try await serveUntilCancelled(server, on: transport, address: "\(options.host):\(options.port)", what: "relay",
                                      stopping: { relay.stop() }) { port in
            identity.bind(port: port)
            ready(identity.name)
        }
    }
}

/// Sizes shared by both ends of an attachment.
enum RelayLimits {
    /// What a frame adds to the message it carries (ids, field tags, lengths), rounded up.
    static let frameOverhead = 64 * 1024
}
