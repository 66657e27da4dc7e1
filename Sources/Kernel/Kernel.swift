import Foundation
import Interpreter
import Language
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// bf as a Jupyter kernel (messaging protocol 5.3 over ZeroMQ): one interpreter session whose
/// cells come from a notebook.
///
/// Threads: the caller's task owns the shell channel and the session, and runs one request
/// at a time; the control channel has a thread of its own, so `interrupt_request` and
/// `shutdown_request` are answered while a cell runs; the heartbeat echoes on a third.
/// IOPub, written by the first two, is guarded by a lock. Stopping shuts the ZeroMQ context
/// down, which wakes every blocked channel.
public final class Kernel {
    private let connection: ConnectionFile
    private let codec: MessageCodec
    private let zeroMQ: ZeroMQContext
    private let shell: RequestChannel
    private let control: ControlChannel
    private let standardInput: ZeroMQSocket
    private let heartbeat: ZeroMQSocket
    private let iopub: Publisher
    private let interrupt: InterruptSwitch
    private let identity: KernelIdentity
    private let session: Session
    private let output: KernelOutput
    /// The cells run with `store_history` and their results' text, for `history_request`.
    private var history: [(number: Int, code: String, result: String?)] = []
    /// Requests read while aborting the cells queued behind a failed one, to serve next.
    private var pending: [KernelMessage] = []

    /// Binds the five channels of `connection`. `options` configure the session (home, user);
    /// `version` is bf's, reported in `kernel_info_reply`.
    public init(connection: ConnectionFile, options: Session.Options, version: String) throws(KernelError) {
        self.connection = connection
        codec = MessageCodec(key: connection.key)
        identity = KernelIdentity(version: version)
        interrupt = InterruptSwitch()
        do {
            zeroMQ = try ZeroMQContext()
            shell = RequestChannel(socket: try ZeroMQSocket(zeroMQ, .router), codec: codec)
            standardInput = try ZeroMQSocket(zeroMQ, .router)
            heartbeat = try ZeroMQSocket(zeroMQ, .reply)
            iopub = Publisher(socket: try ZeroMQSocket(zeroMQ, .publisher), codec: codec)
            control = ControlChannel(channel: RequestChannel(socket: try ZeroMQSocket(zeroMQ, .router), codec: codec),
                                     iopub: iopub, interrupt: interrupt, identity: identity, zeroMQ: zeroMQ)
        } catch {
            throw .channel(name: "shell", endpoint: connection.endpoint(port: connection.shellPort), reason: error.description)
        }
        for (name, socket, port) in [("shell", shell.socket, connection.shellPort), ("control", control.channel.socket, connection.controlPort),
                                     ("stdin", standardInput, connection.stdinPort), ("heartbeat", heartbeat, connection.heartbeatPort),
                                     ("IOPub", iopub.socket, connection.iopubPort)] {
            let endpoint = connection.endpoint(port: port)
            do {
                try socket.bind(endpoint)
            } catch {
                throw .channel(name: name, endpoint: endpoint, reason: error.description)
            }
        }
        var options = options
        options.isInterrupted = { [interrupt] in interrupt.isRaised }
        output = KernelOutput(iopub: iopub, display: DisplayContext(useColor: options.useColor, width: options.width))
        session = Session(output: output, options: options)
        session.richOutput = output
    }

    /// Serves requests until a `shutdown_request`, or until the process that started the
    /// kernel (Jupyter's `JPY_PARENT_PID`) is gone.
    public func run() async {
        let signals = InterruptSignal { [interrupt] in interrupt.raise() }
        defer { withExtendedLifetime(signals) {} }
        let heartbeatThread = Thread { [heartbeat] in
            heartbeat.echoUntilShutDown()
            heartbeat.close()
        }
        heartbeatThread.start()
        let controlThread = Thread { [control] in control.serve() }
        controlThread.start()
        iopub.publish("status", ["execution_state": "starting"], parent: nil)
        while let message = nextShellRequest() {
            if await handleShell(message) == .stop { break }
        }
        control.stop()
        shell.socket.close()
        standardInput.close()
        iopub.close()
        zeroMQ.terminate()
    }

    private enum Next { case goOn, stop }

    static func log(_ text: String) {
        FileHandle.standardError.write(Data(("bf kernel: " + text + "\n").utf8))
    }

    /// The next request on the shell channel; nil when the kernel is stopping.
    private func nextShellRequest() -> KernelMessage? {
        if !pending.isEmpty { return pending.removeFirst() }
        return shell.next(timeout: -1)
    }

    private func reply(on channel: RequestChannel, to request: KernelMessage, _ content: JSONObject) {
        channel.reply(to: request, content)
    }

    // MARK: - Shell requests

    private func handleShell(_ message: KernelMessage) async -> Next {
        iopub.publish("status", ["execution_state": "busy"], parent: message)
        defer { iopub.publish("status", ["execution_state": "idle"], parent: message) }
        switch message.type {
        case "kernel_info_request":
            reply(on: shell, to: message, identity.kernelInfo)
        case "execute_request":
            await execute(message)
        case "complete_request":
            reply(on: shell, to: message, complete(message.content))
        case "inspect_request":
            reply(on: shell, to: message, inspect(message.content))
        case "is_complete_request":
            reply(on: shell, to: message, isComplete(message.content))
        case "history_request":
            reply(on: shell, to: message, historyReply(message.content))
        case "connect_request":
            reply(on: shell, to: message, ["shell_port": connection.shellPort, "iopub_port": connection.iopubPort,
                                           "stdin_port": connection.stdinPort, "hb_port": connection.heartbeatPort,
                                           "control_port": connection.controlPort, "status": "ok"])
        case "comm_info_request":
            reply(on: shell, to: message, ["status": "ok", "comms": JSONObject()])
        case "comm_open":
            // bf has no comm targets: the front end is told at once that the comm is closed.
            iopub.publish("comm_close", ["comm_id": message.content["comm_id"] as? String ?? "", "data": JSONObject()], parent: message)
        case "comm_msg", "comm_close":
            break
        case "shutdown_request":
            reply(on: shell, to: message, ["status": "ok", "restart": message.content["restart"] as? Bool ?? false])
            return .stop
        default:
            if message.type.hasSuffix("_request") {
                reply(on: shell, to: message, RequestChannel.unsupported(message))
            } else {
                Self.log("ignored a '\(message.type)' message")
            }
        }
        return .goOn
    }


    private func execute(_ message: KernelMessage) async {
        let code = message.content["code"] as? String ?? ""
        let silent = message.content["silent"] as? Bool ?? false
        let storesHistory = !silent && (message.content["store_history"] as? Bool ?? true)
        let stopsOnError = message.content["stop_on_error"] as? Bool ?? true
        // The session numbers the cells; a cell kept out of the history takes no number.
        let number = storesHistory ? session.nextCellNumber : max(session.nextCellNumber - 1, 1)
        if storesHistory { history.append((number, code, nil)) }
        if !silent { iopub.publish("execute_input", ["code": code, "execution_count": number], parent: message) }
        interrupt.clear()
        output.begin(parent: message, silent: silent)
        let outcome = await session.runCell(code, counted: storesHistory)
        let (failure, result) = output.end()
        if storesHistory { history[history.count - 1].result = result }
        var content: JSONObject = ["execution_count": number]
        if outcome == .success {
            content["status"] = "ok"
            content["payload"] = [JSONObject]()
            content["user_expressions"] = await userExpressions(message.content["user_expressions"] as? [String: String] ?? [:])
        } else {
            let failure = failure ?? CellFailure(kind: "RuntimeError", message: "the cell failed", rendered: "", error: nil)
            content.merge(["status": "error", "ename": failure.kind, "evalue": failure.message,
                           "traceback": failure.rendered.components(separatedBy: "\n")]) { _, new in new }
        }
        // The queue is aborted before the reply goes: a cell sent once the reply is seen
        // must run.
        if outcome != .success && stopsOnError { abortQueuedExecutions() }
        reply(on: shell, to: message, content)
    }

    /// After a failed cell, the cells already waiting behind it are not run (as in IPython):
    /// each gets an `aborted` reply.
    private func abortQueuedExecutions() {
        while let message = shell.next(timeout: 0) {
            guard message.type == "execute_request" else {
                pending.append(message)
                continue
            }
            iopub.publish("status", ["execution_state": "busy"], parent: message)
            reply(on: shell, to: message, ["status": "aborted", "execution_count": session.nextCellNumber - 1])
            iopub.publish("status", ["execution_state": "idle"], parent: message)
        }
    }

    private func userExpressions(_ expressions: [String: String]) async -> JSONObject {
        var results = JSONObject()
        for (name, code) in expressions {
            switch await session.evaluate(expression: code) {
            case .success(let value):
                results[name] = ["status": "ok", "data": output.bundle(for: value), "metadata": JSONObject()]
            case .failure(let failure):
                results[name] = ["status": "error", "ename": failure.kind, "evalue": failure.message,
                                 "traceback": failure.rendered.components(separatedBy: "\n")]
            }
        }
        return results
    }

    // MARK: - Completion, inspection, history

    private func complete(_ content: JSONObject) -> JSONObject {
        let code = content["code"] as? String ?? ""
        let cursor = CodeCursor(code: code, codePoints: content["cursor_pos"] as? Int ?? code.unicodeScalars.count)
        let result = session.completions(line: code, cursor: cursor.utf8Offset)
        return ["status": "ok", "matches": result.candidates, "cursor_start": cursor.codePoints(atUTF8Offset: result.start),
                "cursor_end": cursor.codePoints, "metadata": JSONObject()]
    }

    private func inspect(_ content: JSONObject) -> JSONObject {
        let code = content["code"] as? String ?? ""
        let cursor = CodeCursor(code: code, codePoints: content["cursor_pos"] as? Int ?? code.unicodeScalars.count)
        var reply: JSONObject = ["status": "ok", "found": false, "data": JSONObject(), "metadata": JSONObject()]
        for topic in cursor.namesAround() {
            if let help = try? HelpText.topic(topic, in: session.builtins) {
                reply["found"] = true
                reply["data"] = ["text/plain": help]
                break
            }
        }
        return reply
    }

    private func isComplete(_ content: JSONObject) -> JSONObject {
        let code = content["code"] as? String ?? ""
        if session.needsMoreInput(code) { return ["status": "incomplete", "indent": ""] }
        return ["status": session.parse(SourceFile(name: nil, text: code)).diagnostics.isEmpty ? "complete" : "invalid"]
    }

    private func historyReply(_ content: JSONObject) -> JSONObject {
        // This kernel's cells are session 1; earlier kernels' cells are not kept.
        var cells = history
        switch content["hist_access_type"] as? String ?? "tail" {
        case "range":
            let session = content["session"] as? Int ?? 0
            guard session == 0 || session == 1 else { cells = []; break }
            let start = content["start"] as? Int ?? 1
            let stop = content["stop"] as? Int ?? Int.max
            cells = cells.filter { $0.number >= start && $0.number < stop }
        case "search":
            let pattern = content["pattern"] as? String ?? "*"
            cells = cells.filter { fnmatch(pattern, $0.code, 0) == 0 }
            if content["unique"] as? Bool ?? false {
                var seen = Set<String>()
                cells = cells.reversed().filter { seen.insert($0.code).inserted }.reversed()
            }
            if let count = content["n"] as? Int { cells = Array(cells.suffix(count)) }
        default:
            cells = Array(cells.suffix(content["n"] as? Int ?? cells.count))
        }
        let withResults = content["output"] as? Bool ?? false
        return ["status": "ok", "history": cells.map { cell -> [Any] in
            [1, cell.number, withResults ? [cell.code, cell.result ?? NSNull()] as [Any] : cell.code]
        }]
    }
}

/// What `kernel_info_reply` says of bf.
struct KernelIdentity: Sendable {
    let version: String

    var kernelInfo: JSONObject {
        [
            "status": "ok",
            "protocol_version": MessageCodec.protocolVersion,
            "implementation": "bf",
            "implementation_version": version,
            "language_info": JupyterLanguage.info(version: version),
            "banner": "bf \(version): a notebook-style language for federated learning across data pods",
            "help_links": [JSONObject](),
            "debugger": false,
        ]
    }
}

/// The raised-or-not state of an interrupt, which SIGINT and `interrupt_request` raise and
/// long work polls at safe points.
final class InterruptSwitch: Sendable {
    private let raised = Atomic<Bool>(false)
    var isRaised: Bool { raised.load(ordering: .acquiring) }
    func raise() { raised.store(true, ordering: .releasing) }
    func clear() { raised.store(false, ordering: .releasing) }
}

/// SIGINT delivered to a handler on a dispatch queue while the object lives (Jupyter's
/// `interrupt_mode: signal`).
final class InterruptSignal {
    private let source: any DispatchSourceSignal

    init(_ handler: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
    }

    deinit { source.cancel() }
}

/// A cursor in a cell's code, which Jupyter counts in Unicode code points and the session in
/// UTF-8 bytes.
struct CodeCursor {
    let code: String
    /// The cursor in code points, clamped to the code.
    let codePoints: Int

    init(code: String, codePoints: Int) {
        self.code = code
        self.codePoints = min(max(codePoints, 0), code.unicodeScalars.count)
    }

    var utf8Offset: Int {
        code.unicodeScalars.prefix(codePoints).reduce(0) { $0 + UTF8.width($1) }
    }

    func codePoints(atUTF8Offset offset: Int) -> Int {
        var bytes = 0
        var count = 0
        for scalar in code.unicodeScalars {
            if bytes >= offset { break }
            bytes += UTF8.width(scalar)
            count += 1
        }
        return count
    }

    /// The names help may know for the cursor, nearest first: the dotted name it is in or
    /// just after and its last part (`DataStructure.table` → "DataStructure.table", "table"),
    /// then those of each call whose parentheses hold it (`print(len(|` → "len", "print").
    func namesAround() -> [String] {
        let scalars = Array(code.unicodeScalars)
        func isNamePart(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar == "." || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
        }
        var start = codePoints
        while start > 0, isNamePart(scalars[start - 1]) { start -= 1 }
        var end = codePoints
        while end < scalars.count, isNamePart(scalars[end]) { end += 1 }
        var names: [String] = []
        let name = String(String.UnicodeScalarView(scalars[start..<end])).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        if let first = name.unicodeScalars.first, !("0"..."9").contains(first) {
            names.append(name)
            if let last = name.split(separator: ".").last.map(String.init), last != name { names.append(last) }
        }
        // The calls whose parentheses hold the cursor, innermost first.
        var depth = 0
        var index = start - 1
        while index >= 0 {
            if scalars[index] == ")" { depth += 1 }
            if scalars[index] == "(" {
                if depth == 0 { return names + CodeCursor(code: code, codePoints: index).namesAround() }
                depth -= 1
            }
            index -= 1
        }
        return names
    }
}
