import Federation
import Foundation
import Learning
import Synchronization
@testable import Transport
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The demo federation in a scratch home, owned by `carol`, with the modeller `dana`
/// granted `super_modeller` on every pod, and a small model to train.
struct TestFederation {
    let hub: Hub
    let owner: LocalIdentity
    let modeller: LocalIdentity
    let specification: ModelSpecification

    static func make() async throws -> TestFederation {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-transport-\(UUID().uuidString)")
        let hub = try Hub(home: home)
        let owner = try hub.identity(named: "carol")
        _ = try DemoFederation.create(hub: hub, owner: owner)
        let modeller = try hub.identity(named: "dana")
        for description in try hub.podDescriptions() {
            try hub.grant(.superModeller, to: modeller.name, on: description.identifier, by: owner)
        }
        let schema = try await Modeller(hub: hub, identity: modeller)
            .combineSchemas(["census-income-demo"], dataStructure: try DataStructure(target: "TARGET"))
        let specification = try ModelSpecification(schema: schema, architecture: TabularArchitecture(hiddenLayers: [8], hiddenDropouts: [0]),
                                                   hyperparameters: TrainingHyperparameters(steps: 3, batchSize: 64, seed: 7))
        return TestFederation(hub: hub, owner: owner, modeller: modeller, specification: specification)
    }
}

/// A `PodServer` for one pod of `hub`, running in this process on a free port of 127.0.0.1.
final class InProcessServer: Sendable {
    let address: PodAddress
    let log: LogLines
    private let task: Task<Void, any Error>

    private init(address: PodAddress, log: LogLines, task: Task<Void, any Error>) {
        self.address = address
        self.log = log
        self.task = task
    }

    static func start(_ hub: Hub, pod: PodIdentifier, limits: PodServerLimits = PodServerLimits()) async throws -> InProcessServer {
        let log = LogLines()
        let ports = AsyncStream<Int>.makeStream()
        let server = PodServer(pod: try hub.connection(to: pod), hub: hub,
                               options: .init(host: "127.0.0.1", port: 0, limits: limits), log: { log.append($0) })
        let task = Task {
            try await server.run { ports.continuation.yield($0); ports.continuation.finish() }
        }
        guard let port = await ports.stream.first(where: { _ in true }) else { throw CancellationError() }
        return InProcessServer(address: PodAddress(host: "127.0.0.1", port: port, podName: pod.name), log: log, task: task)
    }

    func stop() {
        task.cancel()
    }
}

/// Lines a server logged.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// `bf pod serve` as a child process on a free port, for the suite's networked pass.
final class ServeProcess {
    let process = Process()
    let address: PodAddress
    private let logURL: URL

    init(home: URL, user: String, pod: String) throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [executable.appendingPathComponent("bf"), Bundle.main.bundleURL.appendingPathComponent("bf"),
                          Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("bf")]
        guard let bf = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw SetUpFailure("the bf executable is not built next to the tests; run 'swift build' first")
        }
        logURL = home.appendingPathComponent("serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        process.executableURL = bf
        process.arguments = ["--user", user, "pod", "serve", pod, "--listen", "127.0.0.1:0"]
        process.environment = ProcessInfo.processInfo.environment.merging(["BF_HOME": home.path, "NO_COLOR": "1"]) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
        let deadline = Date().addingTimeInterval(60)
        var found: PodAddress?
        while found == nil, Date() < deadline, process.isRunning {
            let log = String(decoding: (try? Data(contentsOf: logURL)) ?? Data(), as: UTF8.self)
            if let line = log.split(separator: "\n").first(where: { $0.hasPrefix("serving ") }),
               let text = line.split(separator: " ").first(where: { $0.hasPrefix("bf://") }) {
                found = try PodAddress(parsing: String(text))
            } else {
                usleep(50_000)
            }
        }
        guard let found else {
            process.terminate()
            throw SetUpFailure("bf pod serve did not start: " + String(decoding: (try? Data(contentsOf: logURL)) ?? Data(), as: UTF8.self))
        }
        address = found
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// A test could not set up what it needs.
struct SetUpFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
