import Foundation
import Interpreter

/// The IOPub channel, which the shell's task and the control thread both publish on.
final class Publisher: @unchecked Sendable {
    let socket: ZeroMQSocket
    private let codec: MessageCodec
    private let lock = NSLock()

    init(socket: ZeroMQSocket, codec: MessageCodec) {
        self.socket = socket
        self.codec = codec
    }

    /// Publishes a message of `type` caused by `parent`; a kernel that is stopping drops it.
    func publish(_ type: String, _ content: JSONObject, parent: KernelMessage?) {
        let topic = Data("kernel.\(codec.session).\(type)".utf8)
        let frames = codec.encode(type, content, parent: parent, identities: [topic])
        lock.withLock {
            do throws(ZeroMQError) {
                try socket.send(frames)
            } catch {
                if !error.isTermination { Kernel.log("could not publish a '\(type)': \(error)") }
            }
        }
    }

    func close() {
        lock.withLock { socket.close() }
    }
}

/// Where a cell's session output goes in a notebook: text as `stream` messages, the value as
/// `execute_result`, progress as a display updated in place, charts as SVG, errors as `error`.
/// Everything is published with the running request as its parent; a silent request's output
/// is dropped, as the protocol asks.
final class KernelOutput: OutputSink, RichOutput {
    private let iopub: Publisher
    private let display: DisplayContext
    private var parent: KernelMessage?
    private var silent = false
    private var failure: CellFailure?
    private var result: String?
    /// The display the running work's progress line updates, once it has shown one.
    private var progressDisplay: String?

    init(iopub: Publisher, display: DisplayContext) {
        self.iopub = iopub
        self.display = display
    }

    /// Output from now on belongs to `parent`.
    func begin(parent: KernelMessage, silent: Bool) {
        self.parent = parent
        self.silent = silent
        failure = nil
        result = nil
        progressDisplay = nil
    }

    /// Ends the request's output and returns how its cell failed, if it did, and the text
    /// of its result, if it showed one.
    func end() -> (failure: CellFailure?, result: String?) {
        defer { parent = nil; failure = nil; result = nil; progressDisplay = nil }
        return (failure, result)
    }

    private func publish(_ type: String, _ content: JSONObject) {
        guard !silent else { return }
        iopub.publish(type, content, parent: parent)
    }

    /// The MIME bundle Jupyter shows for `value`.
    func bundle(for value: Value) -> JSONObject {
        RichDisplay.bundle(for: value, in: display)
    }

    // MARK: - OutputSink

    func write(_ text: String, to stream: OutputStreamKind) {
        guard !text.isEmpty else { return }
        publish("stream", ["name": stream == .standardOutput ? "stdout" : "stderr", "text": text])
    }

    // MARK: - RichOutput

    func showResult(_ value: Value, number: Int) {
        let data = bundle(for: value)
        result = data["text/plain"] as? String
        publish("execute_result", ["execution_count": number, "data": data, "metadata": JSONObject()])
    }

    func showDisplay(_ value: Value) {
        publish("display_data", ["data": bundle(for: value), "metadata": JSONObject()])
    }

    func showProgress(_ line: String?) {
        guard let line else {
            // The last line stays in the notebook as the record of the work; the next work
            // starts a display of its own.
            progressDisplay = nil
            return
        }
        let data: JSONObject = ["text/plain": line]
        if let progressDisplay {
            publish("update_display_data", ["data": data, "metadata": JSONObject(), "transient": ["display_id": progressDisplay]])
        } else {
            let id = UUID().uuidString.lowercased()
            progressDisplay = id
            publish("display_data", ["data": data, "metadata": JSONObject(), "transient": ["display_id": id]])
        }
    }

    func showChart(_ chart: MetricsChart) {
        publish("display_data", ["data": ["image/svg+xml": RichDisplay.svg(chart), "text/plain": chart.title], "metadata": JSONObject()])
    }

    func showFailure(_ failure: CellFailure) {
        self.failure = failure
        if let error = failure.error, let html = RichDisplay.html(for: error) {
            publish("display_data", ["data": ["text/html": html, "text/plain": failure.rendered], "metadata": JSONObject()])
        }
        publish("error", ["ename": failure.kind, "evalue": failure.message, "traceback": failure.rendered.components(separatedBy: "\n")])
    }
}
