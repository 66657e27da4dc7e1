import Foundation
import GRPCCore
import Synchronization

/// The pod end of a relay attachment as a gRPC server transport: each call the relay opens
/// becomes a stream that the pod's `GRPCServer` hands to its ordinary `PodService`, so a
/// relayed call is deserialized, checked and judged by exactly the code a listening pod runs.
/// A call the relay cancels (its caller went away or ran out of time) is cancelled here too:
/// its handler's task is cancelled, its requests end with an error and its writes fail, which
/// stops a training round at its next batch. The transport outlives attachments; the calls of
/// one attachment are `TunnelCalls`.
final class TunnelServerTransport: ServerTransport {
    typealias Bytes = [UInt8]

    private let calls: AsyncStream<TunnelCall>
    private let newCalls: AsyncStream<TunnelCall>.Continuation

    init() {
        (calls, newCalls) = AsyncStream.makeStream()
    }

    /// Hands `call` to the server.
    func accept(_ call: TunnelCall) {
        newCalls.yield(call)
    }

    func listen(streamHandler: @escaping @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void) async throws {
        await withDiscardingTaskGroup { group in
            for await call in calls {
                group.addTask {
                    await withServerContextRPCCancellationHandle { handle in
                        let context = ServerContext(descriptor: call.stream.descriptor, remotePeer: call.peer,
                                                    localPeer: "relay attachment", cancellation: handle)
                        await withTaskGroup(of: Void.self) { running in
                            running.addTask { await streamHandler(call.stream, context) }
                            running.addTask {
                                await call.untilCancelled()
                                if call.isCancelled { handle.cancel() }
                            }
                            // Whichever ends first ends the other: the handler finished, or the
                            // relay cancelled the call (then the handler's task is cancelled).
                            _ = await running.next()
                            running.cancelAll()
                        }
                    }
                }
            }
        }
    }

    func beginGracefulShutdown() {
        newCalls.finish()
    }
}

/// One relayed call at the pod: the requests the relay sends for it, and the writer whose
/// answers go back up the attachment as frames.
final class TunnelCall: Sendable {
    let id: UInt64
    let peer: String
    let stream: RPCStream<TunnelServerTransport.Inbound, TunnelServerTransport.Outbound>
    private let requests: AsyncThrowingStream<RPCRequestPart<[UInt8]>, any Error>.Continuation
    private let cancelled: AsyncStream<Void>
    private let cancelling: AsyncStream<Void>.Continuation
    private let state = Mutex<(cancelled: Bool, closed: Bool)>((false, false))

    /// A call `id` to `method` with the caller's `metadata`, answering through `sink`;
    /// `closed` runs once it has sent its status.
    init(id: UInt64, method: MethodDescriptor, metadata: Metadata, peer: String,
         sink: AsyncStream<Bf_Relay_V1_TunnelFrame>.Continuation, closed: @escaping @Sendable () -> Void) {
        self.id = id
        self.peer = peer
        let (parts, requests) = AsyncThrowingStream<RPCRequestPart<[UInt8]>, any Error>.makeStream()
        requests.yield(.metadata(metadata))
        self.requests = requests
        (cancelled, cancelling) = AsyncStream.makeStream()
        let writer = TunnelResponseWriter(id: id, sink: sink, closed: closed)
        stream = RPCStream(descriptor: method, inbound: RPCAsyncSequence(wrapping: parts),
                           outbound: RPCWriter.Closable(wrapping: writer))
        writer.call.withLock { $0 = self }
    }

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// One message of the request.
    func receive(_ message: Data) {
        requests.yield(.message([UInt8](message)))
    }

    /// The caller sent its last message.
    func endOfRequests() {
        requests.finish()
    }

    /// The relay cancelled the call, or the attachment ended.
    func cancel() {
        let first = state.withLock { state in
            defer { state.cancelled = true }
            return !state.cancelled
        }
        guard first else { return }
        requests.finish(throwing: RPCError(code: .cancelled, message: "the caller cancelled the call"))
        cancelling.finish()
    }

    /// Returns once the call is cancelled, or the waiting task is.
    func untilCancelled() async {
        for await _ in cancelled {}
    }
}

/// Writes a call's answer up the attachment: messages as frames, the status as its close.
/// The response's first metadata is not sent (the relay has answered the caller's headers).
private final class TunnelResponseWriter: ClosableRPCWriterProtocol {
    typealias Element = RPCResponsePart<[UInt8]>

    private let id: UInt64
    private let sink: AsyncStream<Bf_Relay_V1_TunnelFrame>.Continuation
    private let closed: @Sendable () -> Void
    private let done = Mutex(false)
    /// The call written for, to refuse writes once it is cancelled.
    let call = Mutex<TunnelCall?>(nil)

    init(id: UInt64, sink: AsyncStream<Bf_Relay_V1_TunnelFrame>.Continuation, closed: @escaping @Sendable () -> Void) {
        self.id = id
        self.sink = sink
        self.closed = closed
    }

    func write(_ element: Element) async throws {
        if call.withLock({ $0?.isCancelled }) == true {
            throw RPCError(code: .cancelled, message: "the caller cancelled the call")
        }
        switch element {
        case .metadata:
            break
        case let .message(bytes):
            sink.yield(.message(id, Data(bytes)))
        case let .status(status, trailing):
            close(RPCError(status: status, metadata: trailing), trailing: trailing)
        }
    }

    func write(contentsOf elements: some Sequence<Element>) async throws {
        for element in elements { try await write(element) }
    }

    func finish() async {
        close(RPCError(code: .internalError, message: "the pod ended the call without a status"), trailing: [:])
    }

    func finish(throwing error: any Error) async {
        close((error as? RPCError) ?? RPCError(code: .unknown, message: "\(error)"), trailing: [:])
    }

    /// Sends the call's close once; later closes are the transport tidying up.
    private func close(_ error: RPCError?, trailing: Metadata) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        sink.yield(.closing(id, error: error, trailing: trailing))
        call.withLock { $0 = nil }
        closed()
    }
}

/// The calls open at a pod on one attachment, by the id the relay gave them.
final class TunnelCalls: Sendable {
    private let tunnel: TunnelServerTransport
    private let sink: AsyncStream<Bf_Relay_V1_TunnelFrame>.Continuation
    private let peer: String
    private let calls = Mutex<[UInt64: TunnelCall]>([:])
    private static let methods = Dictionary(uniqueKeysWithValues: Bf_Pod_V1_Pod.Method.descriptors.map { ($0.method, $0) })

    init(tunnel: TunnelServerTransport, sink: AsyncStream<Bf_Relay_V1_TunnelFrame>.Continuation, peer: String) {
        self.tunnel = tunnel
        self.sink = sink
        self.peer = peer
    }

    /// Acts on a frame from the relay.
    func receive(_ frame: Bf_Relay_V1_TunnelFrame) {
        let id = frame.call
        switch frame.kind {
        case let .open(open)?:
            guard let method = Self.methods[open.method] else {
                sink.yield(.closing(id, error: RPCError(code: .unimplemented, message: "this pod has no method '\(open.method)'")))
                return
            }
            let call = TunnelCall(id: id, method: method, metadata: Metadata(open.metadata), peer: peer, sink: sink) { [weak self] in
                _ = self?.calls.withLock { $0.removeValue(forKey: id) }
            }
            calls.withLock { $0[id] = call }
            tunnel.accept(call)
        case let .message(bytes)?:
            calls.withLock { $0[id] }?.receive(bytes)
        case .endOfRequests?:
            calls.withLock { $0[id] }?.endOfRequests()
        case .cancel?:
            calls.withLock { $0.removeValue(forKey: id) }?.cancel()
        default:
            break
        }
    }

    /// Cancels every open call (the attachment ended).
    func cancelAll() {
        let open = calls.withLock { calls in
            defer { calls = [:] }
            return Array(calls.values)
        }
        for call in open { call.cancel() }
    }
}
