import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `bf` child process that serves, `bf pod serve` or `bf relay`, with its output in a log
/// file: started, it is ready once its log names its `bf://` address.
public final class ServingProcess {
    public let process: Process
    public let logURL: URL
    /// `bf://127.0.0.1:PORT/POD` for a pod, `bf://127.0.0.1:PORT` for a relay.
    public private(set) var address = ""
    /// The port it listens on (0 for a pod attached to a relay).
    public private(set) var port = 0

    /// `bf pod serve POD` in `home` as `user`: listening on `port` (0: a free one), or, with
    /// `connect`, attached to that relay; its output goes to `log` (by default a new file in
    /// `home`).
    public static func pod(_ pod: String, bf: BFBinary, user: String, home: URL, port: Int = 0, connect: String? = nil,
                           arguments: [String] = [], log: URL? = nil) throws -> ServingProcess {
        try ServingProcess(bf: bf, arguments: ["--user", user, "pod", "serve", pod]
                               + (connect.map { ["--connect", $0] } ?? ["--listen", "127.0.0.1:\(port)"]) + arguments,
                           home: home, log: log, readyLine: "serving ")
    }

    /// `bf relay` in `home` as `user`, listening on `port` (0: a free one).
    public static func relay(bf: BFBinary, user: String, home: URL, port: Int = 0, arguments: [String] = [],
                             log: URL? = nil) throws -> ServingProcess {
        try ServingProcess(bf: bf, arguments: ["--user", user, "relay", "--listen", "127.0.0.1:\(port)"] + arguments,
                           home: home, log: log, readyLine: "relay on ")
    }

    private init(bf: BFBinary, arguments: [String], home: URL, log: URL?, readyLine: String) throws {
        let log = log ?? home.appendingPathComponent("serve-\(UUID().uuidString).log")
        logURL = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process = Process()
        process.executableURL = bf.url
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["BF_HOME"] = home.path
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let line = self.log.split(separator: "\n").first(where: { $0.hasPrefix(readyLine) }),
               let found = line.split(separator: " ").first(where: { $0.hasPrefix("bf://") }) {
                address = String(found.hasSuffix(":") ? found.dropLast() : found)
                port = Int(address.split(separator: ":").last?.split(separator: "/").first ?? "") ?? 0
                return
            }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        stop()
        throw BFBinaryError(description: "bf \(arguments.dropFirst(2).joined(separator: " ")) did not start:\n\(self.log)")
    }

    /// Everything the process wrote.
    public var log: String {
        String(decoding: (try? Data(contentsOf: logURL)) ?? Data(), as: UTF8.self)
    }

    /// Sends `signalNumber` to the process.
    public func signal(_ signalNumber: Int32) {
        kill(process.processIdentifier, signalNumber)
    }

    /// Waits up to `seconds` for the process to exit; its status, or nil if it still runs.
    public func waitForExit(seconds: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Stops the process: SIGTERM (after SIGCONT, should it be stopped), then SIGKILL if it
    /// lingers.
    public func stop() {
        guard process.isRunning else { return }
        signal(SIGCONT)
        signal(SIGTERM)
        if waitForExit(seconds: 5) == nil {
            signal(SIGKILL)
            _ = waitForExit(seconds: 5)
        }
    }
}
