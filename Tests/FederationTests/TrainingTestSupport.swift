import BFTestSupport
import Foundation
import Learning
import XCTest
@testable import Federation

/// The demo federation shared by the training tests, made once per process in a fresh home:
/// making it and loading its pods takes seconds in a debug build.
struct TrainingDemo: @unchecked Sendable {
    let hub: Hub
    let owner: LocalIdentity
    let alice: LocalIdentity

    static let demo = "census-income-demo"
    static let yaml = "census-income-yaml-demo"
    static let other = "census-income-other"
    static let unapproved = "census-income-unapproved"

    nonisolated(unsafe) private static var shared: TrainingDemo?
    private static let lock = NSLock()

    static func get() throws -> TrainingDemo {
        try lock.withLock {
            if let shared { return shared }
            let home = try DemoHome.make("training-tests")
            let made = TrainingDemo(hub: home.hub, owner: home.owner, alice: try home.hub.identity(named: DemoFederation.secondUser))
            shared = made
            return made
        }
    }

    static func removeShared() {
        lock.withLock {
            if let home = shared?.hub.home { try? FileManager.default.removeItem(at: home) }
            shared = nil
        }
    }

    var modeller: Modeller { Modeller(hub: hub, identity: owner) }

    func pod(_ name: String) throws -> PodIdentifier { try hub.resolvePod(name) }

    /// Connections to `names` on behalf of `identity` (the owner unless given).
    func connections(_ names: [String], as identity: LocalIdentity? = nil) throws -> [any PodConnection] {
        try names.map { try hub.localConnection(to: try pod($0), as: (identity ?? owner).name) }
    }

    /// A small classifier for `pods`' combined schema: hidden [32], trained by steps.
    func specification(_ pods: [String], ignoring ignored: [String]? = nil, steps: Int? = nil, epochs: Int? = nil,
                       batchSize: Int = 64, optimizer: OptimizerConfig = OptimizerConfig(name: "AdamW", params: ["lr": 0.01]),
                       seed: UInt64 = 7) async throws -> ModelSpecification {
        let schema = try await modeller.combineSchemas(pods, dataStructure: try DataStructure(target: "TARGET", ignoredColumns: ignored))
        return try ModelSpecification(
            schema: schema, architecture: TabularArchitecture(hiddenLayers: [32], hiddenDropouts: [0.05]),
            hyperparameters: TrainingHyperparameters(epochs: epochs, steps: steps, batchSize: batchSize, optimizer: optimizer, seed: seed))
    }
}

/// The events of a run, collected.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [TrainingEvent] = []

    func append(_ event: TrainingEvent) { lock.withLock { stored.append(event) } }
    var events: [TrainingEvent] { lock.withLock { stored } }

    /// The events without progress, as short labels.
    var labels: [String] {
        events.compactMap { event in
            switch event {
            case .started: return "started"
            case let .podAccepted(pod): return "accepted \(pod.name)"
            case let .podRefused(refusal): return "refused \(refusal.pod.name)"
            case let .roundStarted(round, rounds, pods): return "round \(round)/\(rounds) on \(pods.map(\.name).joined(separator: ","))"
            case .podProgress, .checkpoint: return nil
            case let .podFinished(round, metrics): return "finished \(metrics.pod.name) \(round)"
            case let .podDropped(drop): return "dropped \(drop.pod.name) \(drop.round)"
            case let .roundFinished(result): return "round \(result.round) done"
            case .evaluated: return "evaluated"
            case .checkpointNotRemoved: return "checkpoint not removed"
            case .finished: return "finished"
            }
        }
    }
}

/// A test connection that passes every call to the pod it wraps, except those it overrides.
protocol ForwardingConnection: PodConnection {
    /// The connection calls go to.
    var base: any PodConnection { get }
}

extension ForwardingConnection {
    var identifier: PodIdentifier { base.identifier }
    func describe() async throws -> PodDescription { try await base.describe() }
    func roles(of user: String) async throws -> [Role] { try await base.roles(of: user) }
    func request(_ task: TaskRequest) async throws -> TaskResponse { try await base.request(task) }
    func schema(_ task: TaskRequest) async throws -> SchemaResponse { try await base.schema(task) }
    func openTask(_ task: ModelTaskRequest) async throws -> TaskResponse { try await base.openTask(task) }
    func train(_ request: RoundRequest) -> AsyncThrowingStream<RoundEvent, any Error> { base.train(request) }
    func keyShare(_ setup: SecureRoundSetup) async throws -> SignedKeyShare { try await base.keyShare(setup) }
    func secureAggregationStep(_ request: SecAggPlusStepRequest) async throws -> SecAggPlusStepAnswer {
        try await base.secureAggregationStep(request)
    }
    func evaluate(_ request: EvaluationRequest) async throws -> EvaluationReport { try await base.evaluate(request) }
    func predict(_ request: PredictionRequest) async throws -> PredictionSummary { try await base.predict(request) }
    func closeTask(_ task: UUID) async throws { try await base.closeTask(task) }
    func query(_ task: QueryRequest) async throws -> QueryResponse { try await base.query(task) }
}

/// A connection that fails in one round after some batches, as a pod whose process stops.
struct FailingConnection: ForwardingConnection {
    let base: any PodConnection
    /// The round (from 0) to fail in.
    let round: Int
    /// The batch after which it fails.
    let afterBatches: Int

    struct InjectedFailure: Error, CustomStringConvertible {
        var description: String { "injected failure: the pod's process stopped" }
    }

    func train(_ request: RoundRequest) -> AsyncThrowingStream<RoundEvent, any Error> {
        guard request.round == round else { return base.train(request) }
        let base = self.base
        let afterBatches = self.afterBatches
        return AsyncThrowingStream { continuation in
            let worker = Task {
                var seen = 0
                do {
                    for try await event in base.train(request) {
                        if case .progress = event {
                            seen += 1
                            if seen == afterBatches { throw InjectedFailure() }
                        }
                        continuation.yield(event)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in worker.cancel() }
        }
    }
}

/// The largest absolute difference between two parameter sets' values.
/// Waits until `condition` holds, looking every 10 ms, and fails the test if it does not
/// within `limit`: for what a cancelled task finishes after its reader has gone.
func eventually(within limit: Duration, _ condition: () throws -> Bool,
                file: StaticString = #filePath, line: UInt = #line) async throws {
    let deadline = ContinuousClock.now + limit
    while try !condition() {
        guard ContinuousClock.now < deadline else {
            XCTFail("the condition did not hold within \(limit)", file: file, line: line)
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

func largestDifference(_ a: ParameterSet, _ b: ParameterSet) -> Float {
    zip(a.values, b.values).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// `count` small pods of one owner (160 rows each of age, hours and a group), each approving
/// the others, in a home of their own; made once per count and process.
struct SmallPods: @unchecked Sendable {
    let hub: Hub
    let owner: LocalIdentity
    let names: [String]

    nonisolated(unsafe) private static var made: [Int: SmallPods] = [:]
    private static let lock = NSLock()

    static func get(count: Int) throws -> SmallPods {
        try lock.withLock {
            if let pods = made[count] { return pods }
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-small-pods-\(UUID().uuidString)")
            let hub = try Hub(home: home)
            let owner = try hub.identity(named: "olivia")
            let names = (1...count).map { "site-\($0)" }
            var generator = SeededGenerator(seed: 11)
            for (index, name) in names.enumerated() {
                var lines = ["age,hours,group,TARGET"]
                for row in 0..<160 {
                    let age = Double.random(in: 18...80, using: &generator)
                    let hours = Double.random(in: 10...60, using: &generator) + Double(index % 5)
                    let group = row % 3 == 0 ? "a" : (row % 3 == 1 ? "b" : "c")
                    let score = age / 40 + hours / 30 + (group == "a" ? 0.5 : 0) + Double.random(in: -1...1, using: &generator)
                    lines.append(String(format: "%.1f,%.1f,%@,%@", age, hours, group, score > 2.6 ? "high" : "low"))
                }
                let file = home.appendingPathComponent("\(name).csv")
                try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
                _ = try hub.createPod(PodSpec(name: name, owner: owner.name, dataPath: file,
                                              approvedPods: names.filter { $0 != name }))
            }
            let pods = SmallPods(hub: hub, owner: owner, names: names)
            made[count] = pods
            return pods
        }
    }

    var modeller: Modeller { Modeller(hub: hub, identity: owner) }

    func connections(_ names: [String]) throws -> [any PodConnection] {
        try names.map { try hub.localConnection(to: try hub.resolvePod($0), as: owner.name) }
    }

    func specification() async throws -> ModelSpecification {
        let schema = try await modeller.combineSchemas(names, dataStructure: try DataStructure(target: "TARGET"))
        return try ModelSpecification(
            schema: schema, architecture: TabularArchitecture(hiddenLayers: [8], hiddenDropouts: [0]),
            hyperparameters: TrainingHyperparameters(steps: 4, batchSize: 32,
                                                     optimizer: OptimizerConfig(name: "SGD", params: ["lr": 0.1]), seed: 5))
    }

    func train(_ connections: [any PodConnection], _ specification: ModelSpecification,
               _ options: FederatedAveragingOptions, log: EventLog = EventLog()) async throws -> TrainingResults {
        let training = try FederatedTraining(modeller: modeller, connections: connections, specification: specification,
                                             options: options)
        return try await training.run().results { log.append($0) }
    }
}
