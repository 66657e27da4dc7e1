import BFTestSupport
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
        let home = try DemoHome.make("transport", owner: "carol")
        let (hub, owner) = (home.hub, home.owner)
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
        let server = PodServer(pod: try hub.localConnection(to: pod, as: pod.owner), hub: hub,
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

/// A test could not set up what it needs.
struct SetUpFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
