import BFTestSupport
import Foundation
import XCTest
@testable import Kernel

/// `bf kernel` as a process, driven over ZeroMQ by a client of the test's own, on `ipc`
/// endpoints in a scratch folder. (scripts/check-jupyter runs Jupyter's own test suite
/// against it too.)
final class KernelTests: XCTestCase {
    private var environment: TestEnvironment!
    private var binary: BFBinary!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
        binary = try BFBinary.locate()
    }

    func testAKernelAnswersRunsCellsKeepsVariablesAndStopsWhenAsked() throws {
        let kernel = try StartedKernel(binary: binary, environment: environment)
        let info = try kernel.request("kernel_info_request")
        XCTAssertEqual(info.reply["protocol_version"] as? String, "5.3")
        XCTAssertEqual((info.reply["language_info"] as? JSONObject)?["file_extension"] as? String, ".bf")

        _ = try kernel.request("execute_request", ["code": "x = 40"])
        let sum = try kernel.request("execute_request", ["code": "print(\"adding\")\nx + 2"])
        XCTAssertEqual(sum.reply["status"] as? String, "ok")
        XCTAssertEqual(sum.reply["execution_count"] as? Int, 2)
        XCTAssertEqual(sum.outputs.map(\.type), ["status", "execute_input", "stream", "execute_result", "status"])
        XCTAssertEqual(sum.outputs[2].content["text"] as? String, "adding\n")
        XCTAssertEqual((sum.outputs[3].content["data"] as? JSONObject)?["text/plain"] as? String, "42")

        let failed = try kernel.request("execute_request", ["code": "x + missing"])
        XCTAssertEqual(failed.reply["status"] as? String, "error")
        XCTAssertEqual(failed.reply["ename"] as? String, "RuntimeError")
        XCTAssertEqual(failed.reply["evalue"] as? String, "unknown name 'missing'")
        let traceback = (failed.reply["traceback"] as? [String] ?? []).joined(separator: "\n")
        XCTAssertTrue(traceback.contains("x + missing"), traceback)
        XCTAssertEqual(failed.outputs.filter { $0.type == "error" }.count, 1)

        let completion = try kernel.request("complete_request", ["code": "y = le", "cursor_pos": 6])
        XCTAssertEqual(completion.reply["matches"] as? [String], ["len"])
        XCTAssertEqual(completion.reply["cursor_start"] as? Int, 4)
        // Jupyter counts the cursor in code points: 'é' is one, though two bytes.
        let accented = try kernel.request("complete_request", ["code": "\"é\"; pri", "cursor_pos": 8])
        XCTAssertEqual(accented.reply["cursor_start"] as? Int, 5)
        XCTAssertEqual(try kernel.request("is_complete_request", ["code": "print(1,"]).reply["status"] as? String, "incomplete")
        XCTAssertEqual(try kernel.request("is_complete_request", ["code": "print(1))"]).reply["status"] as? String, "invalid")
        let inspected = try kernel.request("inspect_request", ["code": "len([1])", "cursor_pos": 6, "detail_level": 0])
        XCTAssertEqual(inspected.reply["found"] as? Bool, true)
        XCTAssertTrue(((inspected.reply["data"] as? JSONObject)?["text/plain"] as? String ?? "").contains("len"))
        let history = try kernel.request("history_request", ["hist_access_type": "tail", "n": 2, "output": true, "raw": true])
        let cells = history.reply["history"] as? [[Any]] ?? []
        XCTAssertEqual(cells.count, 2)
        XCTAssertEqual((cells.first?[2] as? [Any])?.first as? String, "print(\"adding\")\nx + 2")
        XCTAssertEqual((cells.first?[2] as? [Any])?.last as? String, "42")

        let shutdown = try kernel.request("shutdown_request", ["restart": false], on: .control)
        XCTAssertEqual(shutdown.reply["status"] as? String, "ok")
        XCTAssertEqual(try kernel.waitForExit(), 0)
    }

    func testMessagesWithABadSignatureAreDroppedAndTheKernelGoesOn() throws {
        let kernel = try StartedKernel(binary: binary, environment: environment)
        let forged = MessageCodec(key: "not the key")
        try kernel.shell.send(forged.encode("execute_request", ["code": "print(\"forged\")"], parent: nil, identities: []))
        let next = try kernel.request("execute_request", ["code": "1 + 1"])
        XCTAssertEqual((next.outputs.first { $0.type == "execute_result" }?.content["data"] as? JSONObject)?["text/plain"] as? String, "2")
        XCTAssertEqual(next.reply["execution_count"] as? Int, 1, "the forged cell must not have run")
        try kernel.stop()
        XCTAssertTrue(kernel.log.contains("dropped a message with a bad signature"), kernel.log)
    }

    func testAKernelWhoseParentDiesStops() throws {
        // A shell starts the kernel as Jupyter would (JPY_PARENT_PID set), says its pid and
        // waits; killing the shell orphans the kernel, which must then stop by itself.
        let connection = try StartedKernel.connectionFile(in: environment, key: "k")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "\"$0\" kernel -f \"$1\" 2>/dev/null & echo $!; wait", binary.url.path, connection.file.path]
        shell.environment = ProcessInfo.processInfo.environment.merging(environment.variables(extra: ["JPY_PARENT_PID": "1"])) { _, given in given }
        let output = Pipe()
        shell.standardOutput = output
        try shell.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let kernel = try XCTUnwrap(pid_t(line.trimmingCharacters(in: .whitespacesAndNewlines)), line)
        kill(shell.processIdentifier, SIGKILL)
        shell.waitUntilExit()
        let deadline = Date().addingTimeInterval(15)
        while Self.isRunning(kernel) && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertFalse(Self.isRunning(kernel), "the orphaned kernel \(kernel) is still running")
        if Self.isRunning(kernel) { kill(kernel, SIGKILL) }
    }

    /// Whether `pid` is a process that has not ended (a zombie nobody reaped has ended).
    private static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let state = stat.split(separator: ")").last?.split(separator: " ").first else { return false }
        return state != "Z" && state != "X"
    }

    func testABadConnectionFileIsRefusedByName() throws {
        let file = environment.directory.appendingPathComponent("connection.json")
        try Data(#"{"transport": "tcp", "ip": "127.0.0.1", "shell_port": 1}"#.utf8).write(to: file)
        let run = try binary.run(["kernel", "-f", file.path], environment: environment.variables())
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.standardError.contains("the kernel connection file '\(file.path)' cannot be used: it has no"), run.standardError)
    }
}

/// A `bf kernel` child and a client of it: shell and control DEALERs, an IOPub subscriber.
private final class StartedKernel {
    enum Channel { case shell, control }

    let process = Process()
    let codec: MessageCodec
    let zeroMQ: ZeroMQContext
    let shell: ZeroMQSocket
    let control: ZeroMQSocket
    let iopub: ZeroMQSocket
    private let errorFile: URL

    init(binary: BFBinary, environment: TestEnvironment) throws {
        let key = UUID().uuidString
        codec = MessageCodec(key: key)
        let (connection, base) = try Self.connectionFile(in: environment, key: key)
        errorFile = environment.directory.appendingPathComponent("kernel.log")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.executableURL = binary.url
        process.arguments = ["kernel", "-f", connection.path]
        process.environment = ProcessInfo.processInfo.environment.merging(environment.variables()) { _, given in given }
        process.currentDirectoryURL = environment.directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()

        zeroMQ = try ZeroMQContext()
        shell = try ZeroMQSocket(zeroMQ, .dealer, linger: 0)
        control = try ZeroMQSocket(zeroMQ, .dealer, linger: 0)
        iopub = try ZeroMQSocket(zeroMQ, .subscriber, linger: 0)
        try shell.connect("ipc://\(base)-1")
        try control.connect("ipc://\(base)-4")
        try iopub.connect("ipc://\(base)-2")
        try waitUntilReady()
    }

    /// A connection file on `ipc` endpoints `<base>-1` (shell) … `<base>-5` in the scratch folder.
    static func connectionFile(in environment: TestEnvironment, key: String) throws -> (file: URL, base: String) {
        let base = environment.directory.appendingPathComponent("k").path
        let connection = environment.directory.appendingPathComponent("connection.json")
        let ports = ["shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5]
        var file: JSONObject = ["transport": "ipc", "ip": base, "key": key, "signature_scheme": "hmac-sha256"]
        file.merge(ports) { $1 }
        try MessageCodec.json(file).write(to: connection)
        return (connection, base)
    }

    deinit {
        if process.isRunning { process.terminate() }
        shell.close()
        control.close()
        iopub.close()
        zeroMQ.terminate()
    }

    var log: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    /// Asks for kernel info until its status messages arrive on IOPub too: a subscriber
    /// misses what is published before its subscription reaches the kernel.
    private func waitUntilReady() throws {
        for _ in 0..<100 {
            let id = try send("kernel_info_request", [:], on: .shell)
            guard try receive(on: shell, timeout: 10_000)?.parentHeader["msg_id"] as? String == id else {
                throw KernelTestFailure("no kernel_info_reply; log:\n\(log)")
            }
            if let status = try receive(on: iopub, timeout: 200), status.type == "status" {
                while try receive(on: iopub, timeout: 100) != nil {}
                return
            }
        }
        throw KernelTestFailure("IOPub never answered; log:\n\(log)")
    }

    @discardableResult
    private func send(_ type: String, _ content: JSONObject, on channel: Channel) throws -> String {
        let frames = codec.encode(type, content, parent: nil, identities: [])
        try (channel == .shell ? shell : control).send(frames)
        let header = try JSONSerialization.jsonObject(with: frames[2]) as? JSONObject
        return header?["msg_id"] as? String ?? ""
    }

    private func receive(on socket: ZeroMQSocket, timeout: Int) throws -> KernelMessage? {
        try socket.receive(timeout: timeout).map { try codec.decode($0) }
    }

    /// Sends a request and returns its reply and the IOPub messages it caused, up to idle.
    func request(_ type: String, _ content: JSONObject = [:], on channel: Channel = .shell) throws
        -> (reply: JSONObject, outputs: [(type: String, content: JSONObject)]) {
        var content = content
        if type == "execute_request" {
            content.merge(["silent": false, "store_history": true, "user_expressions": JSONObject(), "allow_stdin": false]) { given, _ in given }
        }
        let id = try send(type, content, on: channel)
        guard let reply = try receive(on: channel == .shell ? shell : control, timeout: 60_000),
              reply.parentHeader["msg_id"] as? String == id else {
            throw KernelTestFailure("no reply to \(type); log:\n\(log)")
        }
        var outputs: [(type: String, content: JSONObject)] = []
        while let message = try receive(on: iopub, timeout: 10_000) {
            guard message.parentHeader["msg_id"] as? String == id else { continue }
            outputs.append((message.type, message.content))
            if message.type == "status", message.content["execution_state"] as? String == "idle" { break }
        }
        return (reply.content, outputs)
    }

    func waitForExit() throws -> Int32 {
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else { throw KernelTestFailure("the kernel did not exit; log:\n\(log)") }
        return process.terminationStatus
    }

    func stop() throws {
        _ = try request("shutdown_request", ["restart": false], on: .control)
        _ = try waitForExit()
    }
}

private struct KernelTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
