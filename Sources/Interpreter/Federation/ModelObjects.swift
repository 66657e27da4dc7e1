import Federation
import Foundation
import Learning
import OrderedCollections
import Synchronization

/// `Optimizer(name="SGD", params={"lr": 0.001})`.
final class OptimizerObject: RuntimeObject {
    static let type = ObjectType(name: "Optimizer", summary: "an optimizer and its parameters", attributes: [
        .of(OptimizerObject.self, "name") { .string($0.config.name) },
        .of(OptimizerObject.self, "params") { object in
            .dict(OrderedDictionary(uniqueKeysWithValues: object.config.params.sorted { $0.key < $1.key }.map { ($0.key, Value.float($0.value)) }))
        },
    ])

    let config: OptimizerConfig
    var objectType: ObjectType { OptimizerObject.type }

    init(_ config: OptimizerConfig) { self.config = config }

    func display(in context: DisplayContext) -> String {
        let params = config.params.sorted { $0.key < $1.key }.map { Value.quote($0.key) + ": " + Value.format($0.value) }
        return "Optimizer(name=\(Value.quote(config.name)), params={\(params.joined(separator: ", "))})"
    }
}

/// `DPModellerConfig(epsilon=3, delta=1e-6, max_grad_norm=1.0)`: differentially private
/// training's budget at each pod and its clipping norm. The pods choose the noise.
final class PrivacyConfigObject: RuntimeObject {
    static let type = ObjectType(name: "DPModellerConfig", summary: "differential privacy for training: the ε each pod may spend",
                                 attributes: [
                                     .of(PrivacyConfigObject.self, "epsilon") { .float($0.request.epsilon) },
                                     .of(PrivacyConfigObject.self, "delta") { $0.request.delta.map(Value.float) ?? Value.none },
                                     .of(PrivacyConfigObject.self, "max_grad_norm") { .float($0.request.maxGradNorm) },
                                     .of(PrivacyConfigObject.self, "mode") { .string($0.request.mode.rawValue) },
                                 ])

    let request: PrivacyRequest
    var objectType: ObjectType { PrivacyConfigObject.type }

    init(_ request: PrivacyRequest) { self.request = request }

    func display(in context: DisplayContext) -> String {
        "DPModellerConfig(epsilon=\(Value.format(request.epsilon))"
            + (request.delta.map { ", delta=\(Value.format($0))" } ?? "")
            + ", max_grad_norm=\(Value.format(request.maxGradNorm))"
            + (request.mode == .local ? "" : ", mode=\(Value.quote(request.mode.rawValue))") + ")"
    }
}

/// `SecureAggregator(threshold=…, neighbours=…)`: training combines the pods' updates so that
/// the modeller sees only their sum; the threshold and neighbours apply when pods may drop.
final class SecureAggregatorObject: RuntimeObject {
    static let type = ObjectType(name: "SecureAggregator",
                                 summary: "secure aggregation: every element of every update masked; the modeller sees only the sum")
    var objectType: ObjectType { SecureAggregatorObject.type }
    /// How many pods must remain for a round to finish when pods may drop; nil for the default.
    let threshold: Int?
    /// How many other pods each pod masks with when pods may drop; nil for all.
    let neighbours: Int?

    init(threshold: Int? = nil, neighbours: Int? = nil) {
        self.threshold = threshold
        self.neighbours = neighbours
    }

    func display(in context: DisplayContext) -> String {
        let settings = [threshold.map { "threshold=\($0)" }, neighbours.map { "neighbours=\($0)" }].compactMap { $0 }
        return "SecureAggregator(\(settings.joined(separator: ", ")))"
    }
}

/// The metrics of a training, one row per round: what `fit` returns.
final class ResultsObject: TabularObject {
    static let type = ObjectType(name: "Results", summary: "one row of metrics per round (results[i][\"AUC\"])",
                                 attributes: [
                                     .of(ResultsObject.self, "rounds") { .int($0.rounds.count) },
                                     .of(ResultsObject.self, "metrics") { .list($0.metricNames.map(Value.string)) },
                                 ])

    let rounds: [RoundResult]
    var objectType: ObjectType { ResultsObject.type }

    init(_ rounds: [RoundResult]) { self.rounds = rounds }

    var metricNames: [String] { rounds.first?.combined.namedValues.map(\.name) ?? [] }

    func row(_ round: RoundResult) -> Value {
        var entries = OrderedDictionary<String, Value>()
        entries["round"] = .int(round.round)
        for metric in round.combined.namedValues { entries[metric.name] = metric.value.map(Value.float) ?? Value.none }
        entries["training loss"] = .float(round.trainingLoss)
        var pods = OrderedDictionary<String, Value>()
        for pod in round.pods {
            var values = OrderedDictionary<String, Value>()
            for metric in pod.validation.namedValues { values[metric.name] = metric.value.map(Value.float) ?? Value.none }
            values["samples"] = .int(pod.sampleCount)
            if let privacy = pod.privacy {
                values["epsilon"] = .float(privacy.epsilon)
                values["delta"] = .float(privacy.delta)
            }
            pods[pod.pod.description] = .dict(values)
        }
        if let epsilon = Self.largestEpsilon(round) { entries["epsilon"] = .float(epsilon) }
        entries["pods"] = .dict(pods)
        return .dict(entries)
    }

    func element(at index: Value) throws -> Value {
        guard case .int(let position) = index else { throw RuntimeError(.rowIndexNotInteger(rows: "results rows", index: index.typeName)) }
        let resolved = position < 0 ? rounds.count + position : position
        guard resolved >= 0, resolved < rounds.count else {
            throw RuntimeError(.rowOutOfRange(position, count: rounds.count, noun: "row", counted: "round", last: "results"))
        }
        return row(rounds[resolved])
    }

    var length: Int? { rounds.count }

    /// The most ε any pod has spent on the training by the end of `round`, when it is private.
    static func largestEpsilon(_ round: RoundResult) -> Double? {
        round.pods.compactMap(\.privacy?.epsilon).max()
    }

    func blocks(in context: DisplayContext) -> [DisplayBlock] {
        let names = metricNames
        let isPrivate = rounds.contains { Self.largestEpsilon($0) != nil }
        let rows = rounds.map { round in
            [String(round.round)] + round.combined.namedValues.map { $0.value.map { String(format: "%.4f", $0) } ?? "—" }
                + (isPrivate ? [Self.largestEpsilon(round).map { String(format: "%.3f", $0) } ?? "—"] : [])
        }
        let headers = ["round"] + names + (isPrivate ? ["ε spent (most of any pod)"] : [])
        var blocks: [DisplayBlock] = [.table(PlainTextTable(headers: headers, rows: rows))]
        if rounds.count > 1 {
            blocks.append(.text(names.map { name in
                name + " " + Sparkline.render(rounds.map { $0.combined.value(named: name) ?? .nan })
            }.joined(separator: "   ")))
        }
        return blocks
    }
}

/// A model: its specification before training, and its parameters after.
final class ModelObject: RuntimeObject {
    static let type = ObjectType(
        name: "PyTorchTabularClassifier", summary: "a tabular classifier trained at the pods",
        methods: [ModelBuiltins.fitMethod, ModelBuiltins.evaluateMethod, ModelBuiltins.predictMethod, ModelBuiltins.serializeMethod,
                  ModelBuiltins.deserializeMethod],
        attributes: [
            .of(ModelObject.self, "epochs") { $0.specification.hyperparameters.epochs.map(Value.int) ?? Value.none },
            .of(ModelObject.self, "batch_size") { .int($0.specification.hyperparameters.batchSize) },
            .of(ModelObject.self, "classes") { .list($0.specification.classes.map(Value.string)) },
        ])

    let specification: ModelSpecification
    private let trainedModel = Mutex<TrainedModel?>(nil)
    var objectType: ObjectType { ModelObject.type }

    /// The trained model, once `fit` ran.
    var trained: TrainedModel? {
        get { trainedModel.withLock { $0 } }
        set { trainedModel.withLock { $0 = newValue } }
    }

    init(specification: ModelSpecification) { self.specification = specification }

    func display(in context: DisplayContext) -> String {
        let hyper = specification.hyperparameters
        let count = hyper.epochs.map { "epochs=\($0)" } ?? hyper.steps.map { "steps=\($0)" } ?? ""
        return "PyTorchTabularClassifier(target=\(Value.quote(specification.target.name)), "
            + "\(specification.categorical.count) categorical and \(specification.continuous.count) continuous inputs, "
            + "\(count), batch_size=\(hyper.batchSize), optimizer=\(hyper.optimizer.name)"
            + (trained == nil ? ", untrained)" : ", trained)")
    }
}
