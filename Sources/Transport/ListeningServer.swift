import GRPCCore
import GRPCNIOTransportHTTP2

/// The socket address of `host:port`: IPv6 when the host has a colon, else IPv4.
func socketAddress(host: String, port: Int) -> GRPCNIOTransportCore.SocketAddress {
    host.contains(":") ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port)
}

/// Runs `server` on `transport` until the task is cancelled, then lets calls in flight finish
/// (`stopping` runs first, for what a graceful stop would wait on forever). `ready` gets the
/// port once the socket is bound. A socket that cannot be bound, or a server that stops before
/// it listens, is `TransportError.cannotListen` naming `address`; `what` names the server.
func serveUntilCancelled(_ server: GRPCServer<HTTP2ServerTransport.Posix>, on transport: HTTP2ServerTransport.Posix,
                         address: String, what: String, stopping: @escaping @Sendable () -> Void = {},
                         ready: (Int) -> Void) async throws {
    var listening = false
    do {
        try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                // When the socket cannot be bound, serve() fails with the reason.
                guard let bound = try? await transport.listeningAddress,
                      let port = bound.ipv4?.port ?? bound.ipv6?.port else { return }
                listening = true
                ready(port)
            }
        } onCancel: {
            stopping()
            server.beginGracefulShutdown()
        }
    } catch {
        guard listening else { throw TransportError.cannotListen(address: address, reason: "\(error)") }
        // Stopped on request: the cancelled transport reports the cancellation as an error.
        if Task.isCancelled { return }
        throw error
    }
    if !listening, !Task.isCancelled {
        throw TransportError.cannotListen(address: address, reason: "the \(what) stopped before it listened")
    }
}
