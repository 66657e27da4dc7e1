import Foundation

/// Python's `http.server` serving a folder on 127.0.0.1 at a free port, as a child process:
/// a real HTTP server that never leaves the machine.
final class LoopbackHTTPServer {
    /// The folder served.
    let folder: URL
    /// The port the server listens on.
    let port: Int
    private let process: Process

    /// Starts a server for `folder`; waits until it listens.
    init(serving folder: URL) throws {
        self.folder = folder
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Port 0: the system picks a free port, and the server prints it.
        process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var printed = ""
        let deadline = Date().addingTimeInterval(10)
        var found: Int?
        while found == nil, Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
            if let range = printed.range(of: #"port (\d+)"#, options: .regularExpression) {
                found = Int(printed[range].dropFirst("port ".count))
            }
        }
        guard let found else {
            kill(process.processIdentifier, SIGKILL)
            throw Failure(description: "python3 -m http.server did not start: \(printed)")
        }
        port = found
    }

    /// The server did not start.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The URL of `name` in the served folder.
    func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

    /// Stops the server and waits for it to exit.
    func stop() {
        guard process.isRunning else { return }
        // SIGKILL: the child inherits the test process's signal mask, in which SIGTERM may be blocked.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}
