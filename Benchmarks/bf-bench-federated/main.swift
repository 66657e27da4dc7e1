// bf-bench-federated: federated averaging on the demo federation, in process, for
// scripts/bench/federated (issue 5). Every run prints one JSON line. Usage:
//   bf-bench-federated overhead [--rounds 200] [--repetitions 3]
//       round overhead: a tiny model (hidden [4], batch 8, one step per round) on the two
//       tutorial pods, plain and secure aggregation; rounds/s from the first round's start to
//       the last round's end
//   bf-bench-federated tutorial [--out DIR] [--repetitions 3]
//       tutorial 5's training (default model, epochs 2, batch 64, SGD lr 0.001, secure,
//       auto_eval) timed end to end, with both pods' encoded rows written to DIR so that
//       scripts/bench/federated_torch.py can run the same federated job
//   bf-bench-federated aggregation [--pods 2,10] [--steps 4] [--repetitions 3]
//                                  [--protocols plain,secure,secagg+,secagg+sparse]
//       one round of `steps` batches of the tutorial model on 2 pods (the demo's) and on 10
//       pods (the demo's census rows split ten ways, each pod approving the others), plain
//       and secure (pairwise masks, every pod required; by default) and, when asked,
//       dropout-tolerant secure aggregation (SecAgg+, require_all_pods=False, default
//       threshold; every pod a neighbour, or with `secagg+sparse` k = log2(pods) rounded up
//       to an even count); times each whole round
//   bf-bench-federated scale --pods N [--rounds 3] [--steps 4] [--protocols plain|secagg+sparse]
//       N pods in process holding synthetic census rows (the demo's generator, at least 100
//       rows a pod) dealt out N ways, each approving the others; after a one-round warm-up,
//       `rounds` rounds of `steps` batches of 64 of the tutorial model; prints the median
//       time per round, the process's peak resident memory and its most threads. Run one
//       pod count and protocol per process, so the peak is that configuration's.
import BenchmarkSupport
import Federation
import Foundation
import Learning
#if canImport(Glibc)
import Glibc
#endif

/// The command and its options, from the command line.
struct Options {
    var command: String
    var rounds = 200
    var roundsGiven = false
    var repetitions = 3
    var out = URL(fileURLWithPath: ".build/bench-federated")
    var podCounts = [2, 10]
    var steps = 4
    var protocols = ["plain", "secure"]

    init(arguments: [String]) throws {
        var rest = arguments.dropFirst()
        guard let command = rest.popFirst(), ["overhead", "tutorial", "aggregation", "scale"].contains(command) else {
            throw BenchError("expected a command: overhead, tutorial, aggregation or scale")
        }
        self.command = command
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("missing value after \(flag)") }
            switch flag {
            case "--rounds":
                rounds = try Self.number(value, flag)
                roundsGiven = true
            case "--repetitions": repetitions = try Self.number(value, flag)
            case "--out": out = URL(fileURLWithPath: value)
            case "--steps": steps = try Self.number(value, flag)
            case "--pods": podCounts = try value.split(separator: ",").map { try Self.number(String($0), flag) }
            case "--protocols":
                protocols = value.split(separator: ",").map(String.init)
                if let unknown = protocols.first(where: { !["plain", "secure", "secagg+", "secagg+sparse"].contains($0) }) {
                    throw BenchError("unknown protocol '\(unknown)'; expected plain, secure, secagg+ or secagg+sparse")
                }
            default: throw BenchError("unknown option \(flag); expected --rounds, --repetitions, --out, --steps, --pods or --protocols")
            }
        }
    }

    private static func number(_ text: String, _ flag: String) throws -> Int {
        guard let number = Int(text), number > 0 else { throw BenchError("\(flag) expects a positive integer, got '\(text)'") }
        return number
    }
}

/// The demo federation in a scratch home, removed at exit by the caller.
struct BenchFederation {
    let home: URL
    let hub: Hub
    let owner: LocalIdentity
    let demo: DemoFederation
    let modeller: Modeller

    init() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-bench-federated-\(UUID().uuidString)")
        hub = try Hub(home: home)
        owner = try hub.identity(named: "olivia")
        demo = try DemoFederation.create(hub: hub, owner: owner)
        modeller = Modeller(hub: hub, identity: owner)
    }

    /// Tutorial 5's two pods.
    static let tutorialPods = ["census-income-demo", "census-income-yaml-demo"]

    /// `count` pods holding `rowCount` census rows (the demo's by default) split into equal
    /// parts, each approving the others.
    func splitPods(_ count: Int, rowCount: Int = DemoFederation.rowCount) throws -> [String] {
        let source = demo.directory.appendingPathComponent("census-income-all.csv")
        try DemoFederation.writeCensusCSV(rowCount: rowCount, seed: DemoFederation.seed, to: source)
        let lines = String(decoding: try Data(contentsOf: source), as: UTF8.self).split(separator: "\n")
        guard let header = lines.first else { throw BenchError("the census file \(source.path) is empty") }
        let rows = lines.dropFirst()
        let names = (0..<count).map { "census-part-\(count)-\($0 + 1)" }
        let categorical = ["TARGET", "workclass", "marital-status", "occupation", "relationship", "race",
                           "native-country", "gender", "education"]
        // Every part must hold every category for the schemas to agree: a part missing a rare
        // value gets one row that has it (a handful of duplicated rows in 45,222; more when
        // the parts are small).
        let columns = header.split(separator: ",").map(String.init)
        let checked = categorical.compactMap { columns.firstIndex(of: $0) }
        let fields = rows.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        var carrier: [Int: [Substring: Int]] = [:]
        for (row, values) in fields.enumerated() {
            for column in checked where carrier[column, default: [:]][values[column]] == nil {
                carrier[column, default: [:]][values[column]] = row
            }
        }
        for (index, name) in names.enumerated() {
            var members = Array(stride(from: index, to: fields.count, by: count))
            for column in checked {
                let present = Set(members.map { fields[$0][column] })
                for (value, row) in carrier[column, default: [:]] where !present.contains(value) { members.append(row) }
            }
            let part = members.map { String(rows[rows.startIndex + $0]) }
            let file = demo.directory.appendingPathComponent("\(name).csv")
            try Data(([String(header)] + part).joined(separator: "\n").appending("\n").utf8).write(to: file)
            _ = try hub.createPod(PodSpec(name: name, owner: owner.name, dataPath: file,
                                          dataConfig: DataConfig(ignoreColumns: ["fnlwgt"],
                                                                 forceStypes: [name: ForcedTypes(categorical: categorical)],
                                                                 seed: 100),
                                          approvedPods: names.filter { $0 != name }), replacing: true)
        }
        return names
    }

    /// A model of the combined schema of `pods` with target TARGET.
    func specification(pods: [String], architecture: TabularArchitecture = TabularArchitecture(),
                       hyperparameters: TrainingHyperparameters) async throws -> ModelSpecification {
        let schema = try await modeller.combineSchemas(pods, dataStructure: try DataStructure(target: "TARGET"))
        return try ModelSpecification(schema: schema, architecture: architecture, hyperparameters: hyperparameters)
    }
}

/// One training's timings: the whole run, and from the first round's start to the last round's end.
struct Timed {
    var total: Double
    var rounds: Double
    var roundCount: Int
    var results: TrainingResults
}

/// Runs `training`, timing the whole task and its rounds.
func timedRun(_ training: FederatedTraining) async throws -> Timed {
    let clock = ContinuousClock()
    let start = clock.now
    var firstRound: ContinuousClock.Instant?
    var lastRound = start
    let results = try await training.run().results { event in
        switch event {
        case .roundStarted: if firstRound == nil { firstRound = clock.now }
        case .roundFinished: lastRound = clock.now
        default: break
        }
    }
    let end = clock.now
    return Timed(total: seconds(end - start), rounds: seconds(lastRound - (firstRound ?? start)),
                 roundCount: results.rounds.count, results: results)
}

/// Part 1: rounds/s of a tiny model, plain then secure.
func overhead(_ options: Options, _ federation: BenchFederation) async throws {
    let hyperparameters = TrainingHyperparameters(steps: options.rounds, batchSize: 8,
                                                  optimizer: OptimizerConfig(name: "SGD", params: ["lr": 0.001]), seed: 1)
    let specification = try await federation.specification(
        pods: BenchFederation.tutorialPods,
        architecture: TabularArchitecture(hiddenLayers: [4], hiddenDropouts: [0]), hyperparameters: hyperparameters)
    for secure in [false, true] {
        let trainingOptions = FederatedAveragingOptions(stepsBetweenParameterUpdates: 1, secureAggregation: secure, autoEval: false)
        // A first run loads and encodes both pods' rows; the timed runs start from there.
        _ = try await timedRun(try await federation.modeller.training(on: BenchFederation.tutorialPods, specification: specification,
                                                                options: trainingOptions))
        for repetition in 1...options.repetitions {
            let timed = try await timedRun(try await federation.modeller.training(
                on: BenchFederation.tutorialPods, specification: specification, options: trainingOptions))
            print(try json(["command": "overhead", "secure": secure, "repetition": repetition, "rounds": timed.roundCount,
                            "parameters": try specification.makeClassifier().parameters().values.count,
                            "total_seconds": timed.total, "round_seconds": timed.rounds,
                            "rounds_per_second": Double(timed.roundCount) / timed.rounds]))
        }
    }
}

/// Part 2: tutorial 5's training, with the pods' encoded rows exported for PyTorch and Flower.
func tutorial(_ options: Options, _ federation: BenchFederation) async throws {
    let hyperparameters = TrainingHyperparameters(epochs: 2, batchSize: 64,
                                                  optimizer: OptimizerConfig(name: "SGD", params: ["lr": 0.001]), seed: 1)
    let specification = try await federation.specification(pods: BenchFederation.tutorialPods, hyperparameters: hyperparameters)
    try FileManager.default.createDirectory(at: options.out, withIntermediateDirectories: true)
    for (index, name) in BenchFederation.tutorialPods.enumerated() {
        let rows = try await federation.hub.encodedRows(of: try federation.hub.resolvePod(name), for: specification,
                                                        by: federation.owner)
        try EncodedCSV.write(rows.train, to: options.out.appendingPathComponent("pod\(index + 1)-train.csv"))
        try EncodedCSV.write(rows.validation, to: options.out.appendingPathComponent("pod\(index + 1)-validation.csv"))
        try EncodedCSV.write(rows.test, to: options.out.appendingPathComponent("pod\(index + 1)-test.csv"))
        print(try json(["command": "export", "pod": name, "train_rows": rows.train.rowCount,
                        "validation_rows": rows.validation.rowCount, "test_rows": rows.test.rowCount]))
    }
    for repetition in 1...options.repetitions {
        let timed = try await timedRun(try await federation.modeller.training(
            on: BenchFederation.tutorialPods, specification: specification,
            options: FederatedAveragingOptions(secureAggregation: true)))
        guard let test = timed.results.evaluation?.pooled else { throw BenchError("the training did not evaluate the model") }
        print(try json(["command": "tutorial", "engine": "bf", "repetition": repetition, "rounds": timed.roundCount,
                        "seconds": timed.total, "round_seconds": timed.rounds, "test_accuracy": test.accuracy]))
    }
}

/// Part 3: one round of the tutorial model, plain and secure, per pod count.
func aggregation(_ options: Options, _ federation: BenchFederation) async throws {
    let hyperparameters = TrainingHyperparameters(steps: options.steps, batchSize: 64,
                                                  optimizer: OptimizerConfig(name: "SGD", params: ["lr": 0.001]), seed: 1)
    for count in options.podCounts {
        let pods = count == 2 ? BenchFederation.tutorialPods : try federation.splitPods(count)
        let specification = try await federation.specification(pods: pods, hyperparameters: hyperparameters)
        let plain = FederatedAveragingOptions(stepsBetweenParameterUpdates: options.steps, autoEval: false)
        func trainingOptions(_ protocolName: String) -> FederatedAveragingOptions {
            var chosen = plain
            chosen.secureAggregation = protocolName != "plain"
            chosen.requireAllPods = !protocolName.hasPrefix("secagg+")
            if protocolName == "secagg+sparse" {
                let logarithm = Int(log2(Double(count)).rounded(.up))
                chosen.secureAggregationNeighbours = min(count - 1, logarithm + logarithm % 2)
            }
            return chosen
        }
        // Warm-up: the pods read and encode their rows once.
        _ = try await timedRun(try await federation.modeller.training(on: pods, specification: specification, options: plain))
        for repetition in 1...options.repetitions {
            for protocolName in options.protocols {
                let timed = try await timedRun(try await federation.modeller.training(
                    on: pods, specification: specification, options: trainingOptions(protocolName)))
                print(try json(["command": "aggregation", "pods": count, "secure": protocolName != "plain",
                                "protocol": protocolName, "repetition": repetition, "steps": options.steps,
                                "round_seconds": timed.rounds, "total_seconds": timed.total]))
            }
        }
    }
}

/// Issue 19's scale: `options.podCounts[0]` pods, one protocol, time per round and peak memory.
func scale(_ options: Options, _ federation: BenchFederation) async throws {
    guard options.podCounts.count == 1, options.protocols.count == 1,
          let protocolName = options.protocols.first, ["plain", "secagg+sparse"].contains(protocolName) else {
        throw BenchError("scale runs one pod count (--pods N) and one protocol (--protocols plain or secagg+sparse)")
    }
    let count = options.podCounts[0]
    let rounds = options.roundsGiven ? options.rounds : 3
    let pods = try federation.splitPods(count, rowCount: max(DemoFederation.rowCount, 100 * count))
    let hyperparameters = TrainingHyperparameters(steps: options.steps * rounds, batchSize: 64,
                                                  optimizer: OptimizerConfig(name: "SGD", params: ["lr": 0.001]), seed: 1)
    let specification = try await federation.specification(pods: pods, hyperparameters: hyperparameters)
    var chosen = FederatedAveragingOptions(stepsBetweenParameterUpdates: options.steps, autoEval: false)
    var neighbours: Int?
    if protocolName == "secagg+sparse" {
        chosen.secureAggregation = true
        chosen.requireAllPods = false
        let logarithm = Int(log2(Double(count)).rounded(.up))
        neighbours = min(count - 1, logarithm + logarithm % 2)
        chosen.secureAggregationNeighbours = neighbours
    }
    // Warm-up: the pods read and encode their rows once (one round, plain).
    let warmUp = TrainingHyperparameters(steps: options.steps, batchSize: 64,
                                         optimizer: OptimizerConfig(name: "SGD", params: ["lr": 0.001]), seed: 1)
    let warmUpSpecification = try await federation.specification(pods: pods, hyperparameters: warmUp)
    _ = try await timedRun(try await federation.modeller.training(
        on: pods, specification: warmUpSpecification,
        options: FederatedAveragingOptions(stepsBetweenParameterUpdates: options.steps, autoEval: false)))
    let threads = ThreadCount()
    let clock = ContinuousClock()
    var roundStart = clock.now
    var roundSeconds: [Double] = []
    let results = try await federation.modeller.training(on: pods, specification: specification, options: chosen).run().results { event in
        switch event {
        case .roundStarted: roundStart = clock.now
        case .roundFinished:
            roundSeconds.append(seconds(clock.now - roundStart))
            // The training pool's threads outlive a round by seconds, so one look per round
            // sees them, without listing /proc after every batch of every pod.
            threads.sample()
        default: break
        }
    }
    guard results.rounds.count == rounds, results.dropped.isEmpty else {
        throw BenchError("expected \(rounds) rounds with no pod dropped, got \(results.rounds.count) rounds and \(results.dropped.count) dropped")
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    print(try json(["command": "scale", "pods": count, "protocol": protocolName, "neighbours": neighbours ?? 0,
                    "rounds": rounds, "steps": options.steps,
                    "round_seconds": roundSeconds.sorted()[roundSeconds.count / 2], "all_round_seconds": roundSeconds,
                    "peak_resident_megabytes": Double(usage.ru_maxrss) / 1024, "most_threads": threads.most]))
}

/// Runs the command named on the command line.
func main() async throws {
    let options = try Options(arguments: CommandLine.arguments)
    let federation = try BenchFederation()
    defer { try? FileManager.default.removeItem(at: federation.home) }
    switch options.command {
    case "overhead": try await overhead(options, federation)
    case "tutorial": try await tutorial(options, federation)
    case "scale": try await scale(options, federation)
    default: try await aggregation(options, federation)
    }
}

do {
    try await main()
} catch {
    FileHandle.standardError.write(Data("bf-bench-federated: \(error)\n".utf8))
    exit(1)
}
