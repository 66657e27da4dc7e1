import Federation
import GRPCCore
import GRPCNIOTransportHTTP2

/// Serves one pod of a hub over gRPC (`bf pod serve`): the pod keeps judging and auditing
/// every request itself; the server adds the network's checks (signed calls, limits, TLS).
public struct PodServer: Sendable {
    /// Where and how to listen.
    public struct Options: Sendable {
        /// The host or address to listen on.
        public var host: String
        /// The port, or 0 for any free port (`run` reports the one chosen).
        public var port: Int
        /// TLS files, or nil for plaintext; with a CA, clients must present a certificate it signed.
        public var tls: TLSFiles?
        /// What the server accepts.
        public var limits: PodServerLimits

        /// Options for listening on `host:port`.
        public init(host: String, port: Int, tls: TLSFiles? = nil, limits: PodServerLimits = PodServerLimits()) {
            self.host = host
            self.port = port
            self.tls = tls
            self.limits = limits
        }
    }

    private let pod: LocalPodConnection
    private let hub: Hub
    private let options: Options
    private let log: @Sendable (String) -> Void

    /// A server for `pod` (a pod of `hub`), logging one line per call through `log`.
    public init(pod: LocalPodConnection, hub: Hub, options: Options, log: @escaping @Sendable (String) -> Void) {
        self.pod = pod
        self.hub = hub
        self.options = options
        self.log = log
    }

    /// Serves until the task is cancelled, then lets calls in flight finish. `ready` gets
    /// the port listened on once the socket is bound.
    public func run(ready: @escaping @Sendable (Int) -> Void) async throws {
        let limits = options.limits
        let transport = HTTP2ServerTransport.Posix(
            address: socketAddress(host: options.host, port: options.port),
            transportSecurity: try TransportSecurity.server(options.tls),
            config: .defaults { $0.rpc.maxRequestPayloadSize = limits.maximumMessageBytes })
        let server = GRPCServer(transport: transport, services: [PodService(pod: pod, hub: hub, limits: limits, log: log)])
        try await serveUntilCancelled(server, on: transport, address: "\(options.host):\(options.port)", what: "server",
                                      ready: ready)
    }
}
