import CZeroMQ
import Foundation

/// A failed libzmq call: what was being done and libzmq's reason.
public struct ZeroMQError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let code: Int32

    /// The error of the libzmq call that just failed.
    static func last(_ operation: String) -> ZeroMQError {
        ZeroMQError(operation: operation, code: zmq_errno())
    }

    /// The context was shut down: the kernel is stopping.
    var isTermination: Bool { code == ETERM }

    public var description: String {
        "\(operation) failed: " + String(cString: zmq_strerror(code))
    }
}

/// A ZeroMQ context, which owns the I/O threads of its sockets.
///
/// `shutDown()` makes every blocking call on its sockets return with `ETERM`, from any thread;
/// the context ends when the last socket is closed (pending messages are sent first, for as
/// long as each socket's linger allows).
final class ZeroMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws(ZeroMQError) {
        guard let handle = zmq_ctx_new() else { throw .last("creating a ZeroMQ context") }
        self.handle = handle
    }

    /// Wakes every blocking call on the context's sockets with `ETERM`.
    func shutDown() {
        zmq_ctx_shutdown(handle)
    }

    /// Waits until every socket is closed, then frees the context.
    func terminate() {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}

/// One ZeroMQ socket. libzmq sockets are not thread-safe: each is used by one thread at a
/// time (the kernel gives each its own thread, and guards the shared IOPub socket with a lock).
final class ZeroMQSocket: @unchecked Sendable {
    enum Kind {
        case router, publisher, reply, dealer, subscriber, request

        var code: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .publisher: ZMQ_PUB
            case .reply: ZMQ_REP
            case .dealer: ZMQ_DEALER
            case .subscriber: ZMQ_SUB
            case .request: ZMQ_REQ
            }
        }
    }

    let handle: UnsafeMutableRawPointer
    private var isClosed = false

    /// A socket of `kind` that keeps unsent messages for up to `linger` milliseconds when closed.
    init(_ context: ZeroMQContext, _ kind: Kind, linger: Int32 = 1000) throws(ZeroMQError) {
        guard let handle = zmq_socket(context.handle, kind.code) else { throw .last("creating a ZeroMQ socket") }
        self.handle = handle
        var linger = linger
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        if kind == .subscriber { zmq_setsockopt(handle, ZMQ_SUBSCRIBE, nil, 0) }
    }

    deinit { close() }

    /// Binds to `endpoint` (`tcp://127.0.0.1:5555`; port `*` or 0 picks a free one) and
    /// returns the endpoint bound.
    @discardableResult
    func bind(_ endpoint: String) throws(ZeroMQError) -> String {
        guard zmq_bind(handle, endpoint) == 0 else { throw .last("binding \(endpoint)") }
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size)
        return String(cString: buffer)
    }

    func connect(_ endpoint: String) throws(ZeroMQError) {
        guard zmq_connect(handle, endpoint) == 0 else { throw .last("connecting to \(endpoint)") }
    }

    /// Sends `frames` as one multipart message.
    func send(_ frames: [Data]) throws(ZeroMQError) {
        for (index, frame) in frames.enumerated() {
            let flags = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            let sent = frame.withUnsafeBytes { bytes in
                while true {
                    let result = zmq_send(handle, bytes.baseAddress, bytes.count, flags)
                    if result >= 0 || zmq_errno() != EINTR { return result }
                }
            }
            guard sent >= 0 else { throw .last("sending a message") }
        }
    }

    /// Receives one multipart message; nil when none came within `timeout` milliseconds
    /// (-1 waits for ever).
    func receive(timeout: Int = -1) throws(ZeroMQError) -> [Data]? {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        while true {
            let ready = zmq_poll(&item, 1, timeout)
            if ready > 0 { break }
            if ready == 0 { return nil }
            guard zmq_errno() == EINTR else { throw .last("waiting for a message") }
        }
        var frames: [Data] = []
        var more = true
        while more {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            while zmq_msg_recv(&message, handle, 0) < 0 {
                guard zmq_errno() == EINTR else { throw .last("receiving a message") }
            }
            frames.append(Data(bytes: zmq_msg_data(&message), count: zmq_msg_size(&message)))
            more = zmq_msg_more(&message) != 0
        }
        return frames
    }

    /// Echoes every message back to its sender until the context shuts down: the heartbeat.
    func echoUntilShutDown() {
        zmq_proxy(handle, handle, nil)
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
    }
}
