import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A channel on which front ends send requests and the kernel replies (shell, control): a
/// ROUTER socket and the codec that checks and signs its messages.
struct RequestChannel: Sendable {
    let socket: ZeroMQSocket
    let codec: MessageCodec

    /// The next well-formed, well-signed request; messages that are not are logged and
    /// dropped. Nil when none came within `timeout` milliseconds (-1: wait for ever) or the
    /// kernel is stopping.
    func next(timeout: Int) -> KernelMessage? {
        while true {
            let frames: [Data]
            do {
                guard let received = try socket.receive(timeout: timeout) else { return nil }
                frames = received
            } catch {
                if !error.isTermination { Kernel.log("\(error)") }
                return nil
            }
            do {
                return try codec.decode(frames)
            } catch {
                Kernel.log("dropped a message with \(error)")
            }
        }
    }

    /// Sends the reply to `request` (`x_request` is answered by `x_reply`).
    func reply(to request: KernelMessage, _ content: JSONObject) {
        let type = request.type.hasSuffix("_request") ? String(request.type.dropLast("_request".count)) + "_reply" : request.type
        do {
            try socket.send(codec.encode(type, content, parent: request, identities: request.identities))
        } catch {
            if !error.isTermination { Kernel.log("could not send a '\(type)': \(error)") }
        }
    }

    /// The error reply to a request bf does not answer.
    static func unsupported(_ message: KernelMessage) -> JSONObject {
        ["status": "error", "ename": "UnsupportedRequest", "evalue": "bf does not answer '\(message.type)'", "traceback": [String]()]
    }
}

/// The control channel, served on a thread of its own so that `interrupt_request` and
/// `shutdown_request` are answered while a cell runs. It also stops a kernel Jupyter started
/// (`JPY_PARENT_PID` set) once the process that started it is gone, as IPython's does, so a
/// server that dies leaves no kernel behind.
final class ControlChannel: Sendable {
    let channel: RequestChannel
    private let iopub: Publisher
    private let interrupt: InterruptSwitch
    private let identity: KernelIdentity
    private let zeroMQ: ZeroMQContext
    private let stopped = Atomic<Bool>(false)
    /// Whether the process that started the kernel is gone, asked every second; nil when
    /// Jupyter did not start it. As in IPython's kernel: the parent Jupyter names
    /// (`JPY_PARENT_PID`) changed, or, when that is not the parent (a wrapper started the
    /// kernel), the kernel was handed to init.
    private let parentIsGone: (@Sendable () -> Bool)? = {
        guard let named = ProcessInfo.processInfo.environment["JPY_PARENT_PID"].flatMap({ pid_t($0) }) else { return nil }
        if named > 1 && getppid() == named { return { getppid() != named } }
        return { getppid() == 1 }
    }()

    init(channel: RequestChannel, iopub: Publisher, interrupt: InterruptSwitch, identity: KernelIdentity, zeroMQ: ZeroMQContext) {
        self.channel = channel
        self.iopub = iopub
        self.interrupt = interrupt
        self.identity = identity
        self.zeroMQ = zeroMQ
    }

    /// Stops the kernel: raises the interrupt, so a running cell stops at its next safe
    /// point, and wakes every channel, so each closes.
    func stop() {
        stopped.store(true, ordering: .releasing)
        interrupt.raise()
        zeroMQ.shutDown()
    }

    /// Serves requests until the kernel stops.
    func serve() {
        while true {
            guard let message = channel.next(timeout: 1000) else {
                if stopped.load(ordering: .acquiring) { break }
                if let parentIsGone, parentIsGone() {
                    Kernel.log("the process that started the kernel has gone; stopping")
                    stop()
                }
                continue
            }
            iopub.publish("status", ["execution_state": "busy"], parent: message)
            switch message.type {
            case "kernel_info_request":
                channel.reply(to: message, identity.kernelInfo)
            case "interrupt_request":
                interrupt.raise()
                channel.reply(to: message, ["status": "ok"])
            case "shutdown_request":
                channel.reply(to: message, ["status": "ok", "restart": message.content["restart"] as? Bool ?? false])
                iopub.publish("status", ["execution_state": "idle"], parent: message)
                stop()
                continue
            default:
                channel.reply(to: message, RequestChannel.unsupported(message))
            }
            iopub.publish("status", ["execution_state": "idle"], parent: message)
        }
        channel.socket.close()
    }

}
