import Federation
import Foundation
import GRPCCore
import Synchronization

/// One pod's attachment at the relay: the frames waiting to go down its stream, and the
/// calls open on it. Calls get ids from 1 up; a frame from the pod for a call that is no
/// longer open (cancelled, or already closed) is dropped.
final class RelayAttachment: Sendable {
    /// What a relayed call hears back from the pod.
    enum Event: Sendable {
        case message(Data)
        /// The pod closed the call: nil for ok, with its trailing metadata.
        case close(RPCError?, trailing: Metadata)
    }

    let pod: PodIdentifier
    /// The frames to send to the pod, in order; finished when the attachment closes.
    private let sink: AsyncStream<Bf_Relay_V1_TunnelFrame>.Continuation
    private let state = Mutex<(next: UInt64, calls: [UInt64: AsyncThrowingStream<Event, any Error>.Continuation],
                               closed: RPCError?)>((1, [:], nil))

    /// An attachment of `pod` whose frames go to `sink`.
    init(pod: PodIdentifier, sink: AsyncStream<Bf_Relay_V1_TunnelFrame>.Continuation) {
        self.pod = pod
        self.sink = sink
    }

    /// Why the attachment closed, nil while it is open.
    var closedReason: RPCError? { state.withLock { $0.closed } }

    /// Opens a call to `method` with the caller's `metadata`: its id and what the pod answers.
    func open(method: String, metadata: Metadata) throws -> (id: UInt64, events: AsyncThrowingStream<Event, any Error>) {
        let (events, continuation) = AsyncThrowingStream<Event, any Error>.makeStream()
        let id = try state.withLock { state in
            if let closed = state.closed { throw closed }
            let id = state.next
            state.next += 1
            state.calls[id] = continuation
            return id
        }
        sink.yield(.opening(id, method: method, metadata: metadata))
        return (id, events)
    }

    /// Sends a frame of an open call to the pod.
    func send(_ frame: Bf_Relay_V1_TunnelFrame) {
        sink.yield(frame)
    }

    /// Ends the relay's side of call `id`: when the pod has not closed it, the pod is told to
    /// cancel it.
    func finish(_ id: UInt64) {
        let open = state.withLock { $0.calls.removeValue(forKey: id) }
        guard let open else { return }
        open.finish()
        sink.yield(.cancelling(id))
    }

    /// Hands a frame from the pod to its call.
    func receive(_ frame: Bf_Relay_V1_TunnelFrame) {
        switch frame.kind {
        case let .message(bytes)?:
            _ = state.withLock { $0.calls[frame.call] }?.yield(.message(bytes))
        case let .close(close)?:
            guard let call = state.withLock({ $0.calls.removeValue(forKey: frame.call) }) else { return }
            call.yield(.close(close.error, trailing: Metadata(close.metadata)))
            call.finish()
        default:
            // The pod sends only messages and closes after its hello; anything else is ignored.
            break
        }
    }

    /// Closes the attachment: every open call fails with `reason`, and no call opens again.
    func close(_ reason: RPCError) {
        let calls = state.withLock { state -> [AsyncThrowingStream<Event, any Error>.Continuation] in
            guard state.closed == nil else { return [] }
            state.closed = reason
            defer { state.calls = [:] }
            return Array(state.calls.values)
        }
        for call in calls { call.finish(throwing: reason) }
        sink.finish()
    }

    /// The number of calls open now.
    var openCalls: Int { state.withLock { $0.calls.count } }
}

/// The pods attached to a relay, by identifier. A pod that attaches again replaces its
/// earlier attachment (which may be a connection that died without the relay noticing).
final class AttachedPods: Sendable {
    private let pods = Mutex<[PodIdentifier: RelayAttachment]>([:])

    /// Adds `attachment`; the one it replaces, if any.
    func attach(_ attachment: RelayAttachment) -> RelayAttachment? {
        pods.withLock { $0.updateValue(attachment, forKey: attachment.pod) }
    }

    /// Removes `attachment` unless another has replaced it.
    func detach(_ attachment: RelayAttachment) {
        pods.withLock { pods in
            if pods[attachment.pod] === attachment { pods.removeValue(forKey: attachment.pod) }
        }
    }

    /// Closes every attachment (the relay is stopping).
    func closeAll(_ reason: RPCError) {
        let all = pods.withLock { pods in
            defer { pods = [:] }
            return Array(pods.values)
        }
        for attachment in all { attachment.close(reason) }
    }

    /// The attachment of the pod a caller names (`name` or `owner/name`); nil when none is
    /// attached, and every match when a bare name matches pods of several owners.
    func find(_ name: String) -> [RelayAttachment] {
        pods.withLock { pods in
            if let exact = try? PodIdentifier(parsing: name), let attachment = pods[exact] { return [attachment] }
            return pods.values.filter { $0.pod.name == name }.sorted { $0.pod < $1.pod }
        }
    }
}
