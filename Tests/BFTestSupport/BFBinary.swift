import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one run of `bf` produced.
struct BFRun: Sendable {
    let standardOutput: String
    let standardError: String
    /// The exit status, or the number of the signal that ended the process.
    let status: Int32
    /// True if the process had to be killed because it ran past its time limit.
    let timedOut: Bool
}

/// Why `bf` could not be run at all (as opposed to running and failing).
struct BFBinaryError: Error, CustomStringConvertible {
    let description: String
}

/// The `bf` executable built next to the test bundle, and a way to run it as a user would.
///
/// SwiftPM puts every product of a build in one folder: on Linux the tests run as
/// `.build/debug/bfPackageTests.xctest` beside `.build/debug/bf`; on macOS the bundle is
/// `.build/debug/bfPackageTests.xctest/Contents/MacOS/…`, also beside `bf`. `BF_BINARY` in
/// the environment overrides the search.
struct BFBinary: Sendable {
    let url: URL

    /// How long a run may take before it is killed.
    static let defaultTimeout: TimeInterval = 20

    /// Finds the built `bf`, or explains where it looked.
    static func locate() throws -> BFBinary {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["BF_BINARY"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        let testExecutable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(testExecutable.deletingLastPathComponent().appendingPathComponent("bf"))
        var folder = Bundle.main.bundleURL
        // Walk up out of an `.xctest` bundle (macOS nests the test binary inside it).
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("bf"))
            folder = folder.deletingLastPathComponent()
        }
        for candidate in candidates where fileManager.isExecutableFile(atPath: candidate.path) {
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return BFBinary(url: candidate)
            }
        }
        let searched = candidates.map { "  " + $0.path }.joined(separator: "\n")
        throw BFBinaryError(description: """
            the 'bf' executable was not found next to the test bundle; looked at:
            \(searched)
            build it first with 'swift build' (or run the tests with 'swift test', which builds it), \
            or set BF_BINARY to its path
            """)
    }

    /// Runs `bf` with `arguments`, feeding it `standardInput` (or nothing), with NO_COLOR set
    /// and `environment` added to the test's own, in `directory`. Kills it after `timeout`.
    func run(_ arguments: [String], standardInput: String? = nil, environment: [String: String] = [:],
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
