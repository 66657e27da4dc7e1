// bf-bench-training: bf's federated training of the default classifier on the demo census
// pod, scored on the pod's test rows, with the pod's encoded rows written out so that another
// engine can train the same model on the same inputs (scripts/bench/accuracy). Usage:
//   bf-bench-training [--out DIR] [--seeds 1,2,3] [--epochs 2]
//                     [--config NAME:OPTIMIZER:LR:BATCH ...] [--epochs-between N]
// Each run prints one JSON line; the encoded rows go to DIR/train.csv and DIR/test.csv in the
// format of Benchmarks/BenchmarkSupport/EncodedCSV.swift.
//
//   bf-bench-training dp [--out DIR] [--seeds 1,2,3] [--epsilon 3] [--delta 1e-5]
// Tutorial 6's training (scripts/bench/dp-accuracy): the two demo pods, hidden [64], batch
// 256, Adam lr 0.01, 2 epochs as 2 rounds, secure aggregation, max_grad_norm 1; per seed once
// without and once with differential privacy (ε, δ at each pod), scored on both pods' test
// rows pooled. Each pod's encoded rows go to DIR/podN-{train,validation,test}.csv so that
// scripts/bench/dp_opacus.py can run the same federated job with Opacus.
import BenchmarkSupport
import Federation
import Foundation
import Learning

/// One optimizer setting to train with.
struct Configuration {
    var name: String
    var optimizer: String
    var learningRate: Double
    var batchSize: Int
}

struct Options {
    var out = URL(fileURLWithPath: ".build/bench-accuracy")
    var seeds: [UInt64] = [1, 2, 3]
    var epochs = 2
    var epochsBetween = 1
    var configurations = [
        Configuration(name: "tutorial", optimizer: "SGD", learningRate: 0.001, batchSize: 64),
        Configuration(name: "defaults", optimizer: "AdamW", learningRate: 0.01, batchSize: 512),
    ]

    init(arguments: [String]) throws {
        var rest = arguments.dropFirst()
        var configurations: [Configuration] = []
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("missing value after \(flag)") }
            switch flag {
            case "--out": out = URL(fileURLWithPath: value)
            case "--seeds": seeds = try value.split(separator: ",").map { try Self.number(String($0), flag) }.map(UInt64.init)
            case "--epochs": epochs = try Self.number(value, flag)
            case "--epochs-between": epochsBetween = try Self.number(value, flag)
            case "--config":
                let parts = value.split(separator: ":").map(String.init)
                guard parts.count == 4, let lr = Double(parts[2]), let batch = Int(parts[3]) else {
                    throw BenchError("--config expects NAME:OPTIMIZER:LR:BATCH, got '\(value)'")
                }
                configurations.append(Configuration(name: parts[0], optimizer: parts[1], learningRate: lr, batchSize: batch))
            default: throw BenchError("unknown option \(flag); expected --out, --seeds, --epochs, --epochs-between or --config")
            }
        }
        if !configurations.isEmpty { self.configurations = configurations }
    }

    private static func number(_ text: String, _ flag: String) throws -> Int {
        guard let number = Int(text), number > 0 else { throw BenchError("\(flag) expects a positive integer, got '\(text)'") }
        return number
    }
}

/// The options of the `dp` command.
struct PrivateOptions {
    var out = URL(fileURLWithPath: ".build/bench-dp")
    var seeds: [UInt64] = [1, 2, 3]
    var epsilon = 3.0
    var delta = 1e-5

    init(arguments: [String]) throws {
        var rest = arguments.dropFirst(2)
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("missing value after \(flag)") }
            switch flag {
            case "--out": out = URL(fileURLWithPath: value)
            case "--seeds":
                seeds = try value.split(separator: ",").map {
                    guard let seed = UInt64($0) else { throw BenchError("--seeds expects numbers like 1,2,3, got '\(value)'") }
                    return seed
                }
            case "--epsilon", "--delta":
                guard let number = Double(value), number > 0 else { throw BenchError("\(flag) expects a number above 0, got '\(value)'") }
                if flag == "--epsilon" { epsilon = number } else { delta = number }
            default: throw BenchError("unknown option \(flag); expected --out, --seeds, --epsilon or --delta")
            }
        }
    }
}

/// The `dp` command: tutorial 6's training with and without differential privacy.
func privateMain() async throws {
    let options = try PrivateOptions(arguments: CommandLine.arguments)
    try FileManager.default.createDirectory(at: options.out, withIntermediateDirectories: true)
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-bench-dp-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: home) }
    let hub = try Hub(home: home)
    let owner = try hub.identity(named: "olivia")
    _ = try DemoFederation.create(hub: hub, owner: owner)
    let podNames = ["census-income-demo", "census-income-yaml-demo"]
    // As tutorial 6's set_privacy_limits: at most ε 5 a task, δ up to 1e-5 (no total, so
    // every seed's run is accepted).
    for name in podNames {
        try hub.setPrivacyPolicy(PodPrivacyPolicy(maxEpsilonPerTask: max(5, options.epsilon), delta: max(options.delta, 1e-5)),
                                 on: try hub.resolvePod(name), by: owner)
    }
    let modeller = Modeller(hub: hub, identity: owner)
    let schema = try await modeller.combineSchemas(podNames, dataStructure: try DataStructure(target: "TARGET"))
    let architecture = TabularArchitecture(hiddenLayers: [64], hiddenDropouts: [0.01])
    let request = PrivacyRequest(epsilon: options.epsilon, delta: options.delta, maxGradNorm: 1)
    let trainingOptions = FederatedAveragingOptions(epochsBetweenParameterUpdates: 1, secureAggregation: true)

    var exported = false
    for seed in options.seeds {
        let hyperparameters = TrainingHyperparameters(
            epochs: 2, batchSize: 256, optimizer: OptimizerConfig(name: "Adam", params: ["lr": 0.01]), seed: seed)
        if !exported {
            let specification = try ModelSpecification(schema: schema, architecture: architecture, hyperparameters: hyperparameters)
            var trainLabels: [Int32] = []
            var testLabels: [Int32] = []
            for (index, name) in podNames.enumerated() {
                let rows = try await hub.encodedRows(of: try hub.resolvePod(name), for: specification, by: owner)
                for (part, data) in [("train", rows.train), ("validation", rows.validation), ("test", rows.test)] {
                    try EncodedCSV.write(data, to: options.out.appendingPathComponent("pod\(index + 1)-\(part).csv"))
                }
                trainLabels += rows.train.labels
                testLabels += rows.test.labels
                print(try json(["command": "export", "pod": name, "train_rows": rows.train.rowCount,
                                "validation_rows": rows.validation.rowCount, "test_rows": rows.test.rowCount]))
            }
            // The majority-class baseline: the class most frequent in the pods' training rows,
            // scored on their test rows pooled.
            let counts = Dictionary(trainLabels.map { ($0, 1) }, uniquingKeysWith: +)
            let majority = counts.max { $0.value < $1.value }?.key ?? 0
            print(try json(["command": "baseline", "majority_class": Int(majority), "test_rows": testLabels.count,
                            "majority_accuracy": Double(testLabels.filter { $0 == majority }.count) / Double(max(testLabels.count, 1))]))
            exported = true
        }
        for privacy in [nil, request] {
            let specification = try ModelSpecification(schema: schema, architecture: architecture,
                                                       hyperparameters: hyperparameters, privacy: privacy)
            let training = try await modeller.training(on: podNames, specification: specification, options: trainingOptions)
            let start = ContinuousClock.now
            let results = try await training.run().results()
            let elapsed = ContinuousClock.now - start
            guard let test = results.evaluation?.pooled else { throw BenchError("the training did not evaluate the model") }
            var pods: [[String: Any]] = []
            for metrics in results.rounds.last?.pods ?? [] {
                var pod: [String: Any] = ["pod": metrics.pod.description, "train_rows": metrics.sampleCount, "steps": metrics.steps]
                if let spent = metrics.privacy {
                    pod["epsilon_spent"] = spent.epsilon
                    pod["delta"] = spent.delta
                    pod["noise_multiplier"] = spent.noiseMultiplier
                    pod["dp_steps"] = spent.steps
                    pod["sampling_rate"] = spent.samplingRate
                }
                pods.append(pod)
            }
            print(try json([
                "engine": "bf", "private": privacy != nil, "seed": seed, "epsilon": privacy?.epsilon ?? 0,
                "delta": privacy?.delta ?? 0, "rounds": results.rounds.count, "epochs": 2, "batch_size": 256,
                "hidden": architecture.hiddenLayers, "optimizer": "Adam", "lr": 0.01,
                "test_accuracy": test.accuracy, "test_loss": test.validationLoss, "test_auc": test.auc ?? -1,
                "pods": pods, "seconds": Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            ]))
        }
    }
}

func main() async throws {
    if CommandLine.arguments.dropFirst().first == "dp" {
        try await privateMain()
        return
    }
    let options = try Options(arguments: CommandLine.arguments)
    try FileManager.default.createDirectory(at: options.out, withIntermediateDirectories: true)
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-bench-accuracy-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: home) }
    let hub = try Hub(home: home)
    let owner = try hub.identity(named: "olivia")
    _ = try DemoFederation.create(hub: hub, owner: owner)
    let podName = "census-income-demo"
    let pod = try hub.resolvePod(podName)
    let modeller = Modeller(hub: hub, identity: owner)
    let schema = try await modeller.combineSchemas([podName], dataStructure: try DataStructure(target: "TARGET"))

    var exported = false
    for configuration in options.configurations {
        for seed in options.seeds {
            let hyperparameters = TrainingHyperparameters(
                epochs: options.epochs, batchSize: configuration.batchSize,
                optimizer: OptimizerConfig(name: configuration.optimizer, params: ["lr": configuration.learningRate]), seed: seed)
            let specification = try ModelSpecification(schema: schema, hyperparameters: hyperparameters)
            if !exported {
                let rows = try await hub.encodedRows(of: pod, for: specification, by: owner)
                try EncodedCSV.write(rows.train, to: options.out.appendingPathComponent("train.csv"))
                try EncodedCSV.write(rows.test, to: options.out.appendingPathComponent("test.csv"))
                let positives = rows.test.labels.filter { $0 == 1 }.count
                print(try json(["command": "export", "train_rows": rows.train.rowCount, "test_rows": rows.test.rowCount,
                                "majority_accuracy": Double(max(positives, rows.test.rowCount - positives)) / Double(rows.test.rowCount),
                                "categorical": rows.train.layout.categoricalCardinalities, "continuous": rows.train.layout.continuousCount]))
                exported = true
            }
            let training = try await modeller.training(
                on: [podName], specification: specification,
                options: FederatedAveragingOptions(epochsBetweenParameterUpdates: options.epochsBetween))
            let start = ContinuousClock.now
            let results = try await training.run().results()
            let elapsed = ContinuousClock.now - start
            guard let test = results.evaluation?.pooled else { throw BenchError("the training did not evaluate the model") }
            print(try json([
                "engine": "bf", "config": configuration.name, "seed": seed, "epochs": options.epochs,
                "rounds": results.rounds.count, "batch_size": configuration.batchSize, "optimizer": configuration.optimizer,
                "lr": configuration.learningRate, "test_accuracy": test.accuracy, "test_loss": test.validationLoss,
                "test_auc": test.auc ?? -1,
                "seconds": Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            ]))
        }
    }
}

do {
    try await main()
} catch {
    FileHandle.standardError.write(Data("bf-bench-training: \(error)\n".utf8))
    exit(1)
}
