import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one run of `bf` produced.
public struct BFRun: Sendable {
    public let standardOutput: String
    public let standardError: String
    /// The exit status, or the number of the signal that ended the process.
    public let status: Int32
    /// True if the process had to be killed because it ran past its time limit.
    public let timedOut: Bool

    public init(standardOutput: String, standardError: String, status: Int32, timedOut: Bool) {
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.status = status
        self.timedOut = timedOut
    }
}

/// Why `bf` could not be run at all (as opposed to running and failing).
public struct BFBinaryError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

/// The `bf` executable built next to the test bundle, and a way to run it as a user would.
public struct BFBinary: Sendable {
    public let url: URL

    /// How long a run may take before it is killed.
    public static let defaultTimeout: TimeInterval = 20

    /// Finds the built `bf` (`BF_BINARY` in the environment overrides the search), or
    /// explains where it looked.
    public static func locate() throws -> BFBinary {
        BFBinary(url: URL(fileURLWithPath: try BuiltProducts.executable("bf")))
    }

    /// Runs `bf` with `arguments`, feeding it `standardInput` (or nothing), with NO_COLOR set
    /// and `environment` added to the test's own, in `directory`. Kills it after `timeout`.
    public func run(_ arguments: [String], standardInput: String? = nil, environment: [String: String] = [:],
             in directory: URL? = nil, timeout: TimeInterval = BFBinary.defaultTimeout) throws -> BFRun {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("bf-e2e-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        // Output goes to files rather than pipes: a full pipe cannot stall the child, and no
        // reader thread is needed.
        let outputURL = scratch.appendingPathComponent("stdout")
        let errorURL = scratch.appendingPathComponent("stderr")
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
              FileManager.default.createFile(atPath: errorURL.path, contents: nil) else {
            throw BFBinaryError(description: "cannot create output files in \(scratch.path)")
        }
        let outputHandle = try FileHandle(forWritingTo: outputURL)
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        defer {
            try? outputHandle.close()
            try? errorHandle.close()
        }

        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var fullEnvironment = ProcessInfo.processInfo.environment
        fullEnvironment["NO_COLOR"] = "1"
        fullEnvironment.merge(environment) { _, given in given }
        process.environment = fullEnvironment
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = outputHandle
        process.standardError = errorHandle

        var inputHandle: FileHandle?
        if let standardInput {
            let inputURL = scratch.appendingPathComponent("stdin")
            try Data(standardInput.utf8).write(to: inputURL)
            inputHandle = try FileHandle(forReadingFrom: inputURL)
            process.standardInput = inputHandle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        defer { try? inputHandle?.close() }

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            throw BFBinaryError(description: "could not start \(url.path): \(error)")
        }
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        process.waitUntilExit()

        let standardOutput = String(decoding: (try? Data(contentsOf: outputURL)) ?? Data(), as: UTF8.self)
        let standardError = String(decoding: (try? Data(contentsOf: errorURL)) ?? Data(), as: UTF8.self)
        return BFRun(standardOutput: standardOutput, standardError: standardError,
                     status: process.terminationStatus, timedOut: timedOut)
    }
}
