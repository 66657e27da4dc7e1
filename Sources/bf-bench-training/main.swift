// bf-bench-training: bf's federated training of the default classifier on the demo census
// pod, scored on the pod's test rows, with the pod's encoded rows written out so that another
// engine can train the same model on the same inputs (scripts/bench/accuracy). Usage:
//   bf-bench-training [--out DIR] [--seeds 1,2,3] [--epochs 2]
//                     [--config NAME:OPTIMIZER:LR:BATCH ...] [--epochs-between N]
// Each run prints one JSON line; the encoded rows go to DIR/train.csv and DIR/test.csv in the
// format of Sources/bf-bench-learning/EncodedCSV.swift.
import Federation
import Foundation
import Learning

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

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

func writeEncodedCSV(_ data: TabularDataset, to url: URL) throws {
    try Data(data.encodedCSV().utf8).write(to: url, options: .atomic)
}

func json(_ fields: [String: Any]) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
}

func main() async throws {
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
                try writeEncodedCSV(rows.train, to: options.out.appendingPathComponent("train.csv"))
                try writeEncodedCSV(rows.test, to: options.out.appendingPathComponent("test.csv"))
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
            let results = try await training.run { _ in }
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
