import Foundation
import Learning
import XCTest
@testable import Federation

/// The model specification and the pod-side encoding, against values computed by hand.
final class TrainingEncodingTests: FederationTestCase {
    /// Ten rows; with the default seed 42 the split is train [9, 1, 4, 2, 8, 7, 6, 5],
    /// validation [3], test [0]. Row 3 has no target (dropped), row 6 no colour, row 0 no
    /// hours. Training ages are 10 and 30 four times each (mean 20, deviation 10), hours 20
    /// and 60 (mean 40, deviation 20); training colours: blue 3, green 2, red 2.
    static let csv = """
        age,hours,colour,TARGET
        45,?,red,yes
        10,20,blue,no
        30,60,green,yes
        40,40,red,?
        10,20,blue,no
        30,60,red,yes
        10,20,?,no
        30,60,blue,yes
        10,20,green,no
        30,60,red,yes

        """

    private func table() throws -> Dataset {
        try load(Self.csv, config: DataConfig(forceStypes: ["t": ForcedTypes(categorical: ["colour", "TARGET"])]))
    }

    private let pod = try! PodIdentifier(parsing: "olivia/t")

    /// `purple` is in the encoder but not at this pod, so red's code is 3 here, not 2.
    private func specification(colours: [String] = ["blue", "green", "purple", "red"],
                               continuous: [String] = ["age", "hours"]) throws -> ModelSpecification {
        try ModelSpecification(
            target: .init(name: "TARGET", encoder: CategoricalEncoder(sortedValues: ["no", "yes"])),
            categorical: [.init(name: "colour", encoder: CategoricalEncoder(sortedValues: colours))],
            continuous: continuous,
            architecture: TabularArchitecture(hiddenLayers: [4], hiddenDropouts: [0]),
            hyperparameters: TrainingHyperparameters(epochs: 1, batchSize: 4))
    }

    func testSplitIsTheOneTheExpectationsAssume() throws {
        let split = try table().split
        XCTAssertEqual(split.train, [9, 1, 4, 2, 8, 7, 6, 5])
        XCTAssertEqual(split.validation, [3])
        XCTAssertEqual(split.test, [0])
    }

    func testEncodingMatchesHandComputedValues() throws {
        let encoded = try EncodedPodData(try table(), specification: try specification(), pod: pod)
        XCTAssertEqual(encoded.droppedRows, 1)
        XCTAssertEqual(encoded.standardisation, [.init(count: 8, mean: 20, standardDeviation: 10), .init(count: 8, mean: 40, standardDeviation: 20)])
        XCTAssertEqual(encoded.categoricalFill, [0])
        // Rows 9, 1, 4, 2, 8, 7, 6, 5: red, blue, blue, green, green, blue, (missing → blue), red.
        XCTAssertEqual(encoded.train.categorical, [3, 0, 0, 1, 1, 0, 0, 3])
        XCTAssertEqual(encoded.train.continuous, [1, 1, -1, -1, -1, -1, 1, 1, -1, -1, 1, 1, -1, -1, 1, 1])
        XCTAssertEqual(encoded.train.labels, [1, 0, 0, 1, 0, 1, 0, 1])
        XCTAssertEqual(encoded.validation.rowCount, 0)
        // Row 0: red; age (45 − 20) / 10 = 2.5; hours missing → the training mean → 0.
        XCTAssertEqual(encoded.test.categorical, [3])
        XCTAssertEqual(encoded.test.continuous, [2.5, 0])
        XCTAssertEqual(encoded.test.labels, [1])
        XCTAssertEqual(encoded.train.layout.categoricalCardinalities, [4])
    }

    func testMissingCategoricalTakesTheMostFrequentLowestCodeOnATie() throws {
        // Without row 6's neighbours the training colours tie: make blue and red 2 each.
        let csv = Self.csv.replacingOccurrences(of: "30,60,blue,yes", with: "30,60,red,yes")
        let dataset = try load(csv, config: DataConfig(forceStypes: ["t": ForcedTypes(categorical: ["colour", "TARGET"])]))
        let encoded = try EncodedPodData(dataset, specification: try specification(), pod: pod)
        // blue (rows 1, 4) = 2, green (2, 8) = 2, red (5, 7, 9) = 3: red wins.
        XCTAssertEqual(encoded.categoricalFill, [3])
        let tied = Self.csv.replacingOccurrences(of: "30,60,blue,yes", with: "30,60,purple,yes")
        let tiedData = try load(tied, config: DataConfig(forceStypes: ["t": ForcedTypes(categorical: ["colour", "TARGET"])]))
        // blue 2, green 2, purple 1, red 2: the lowest code, blue.
        XCTAssertEqual(try EncodedPodData(tiedData, specification: try specification(), pod: pod).categoricalFill, [0])
    }

    func testEncodingErrorsNameTheColumnAndPod() throws {
        let dataset = try table()
        XCTAssertEqual(error { try EncodedPodData(dataset, specification: try self.specification(colours: ["blue", "red"]), pod: self.pod) } as? TrainingError,
                       .categoryNotInEncoder(column: "colour", value: "green", pod: pod))
        XCTAssertEqual(error { try EncodedPodData(dataset, specification: try self.specification(continuous: ["age", "weight"]), pod: self.pod) } as? TrainingError,
                       .columnMissingAtPod(column: "weight", pod: pod))
        let wrongType = try ModelSpecification(
            target: .init(name: "TARGET", encoder: CategoricalEncoder(sortedValues: ["no", "yes"])),
            categorical: [.init(name: "age", encoder: CategoricalEncoder(sortedValues: ["10", "30"]))], continuous: [],
            hyperparameters: TrainingHyperparameters(epochs: 1))
        XCTAssertEqual(error { try EncodedPodData(dataset, specification: wrongType, pod: self.pod) } as? TrainingError,
                       .columnTypeAtPod(column: "age", pod: pod, expected: .categorical, found: .continuous))
        XCTAssertEqual(TrainingError.categoryNotInEncoder(column: "colour", value: "green", pod: pod).description, """
            pod 't' holds 'green' in categorical column 'colour', which the model's encoder does not know
            help: combine the schemas of every pod of the task, so the encoder holds every category
            """)
    }

    func testSpecificationRefusesABadTargetOrModel() throws {
        let hyperparameters = TrainingHyperparameters(epochs: 1)
        XCTAssertEqual(error { try ModelSpecification(target: .init(name: "y", encoder: CategoricalEncoder(sortedValues: ["a"])),
                                                      categorical: [], continuous: ["x"], hyperparameters: hyperparameters) } as? TrainingError,
                       .tooFewClasses(column: "y", count: 1))
        XCTAssertEqual(error { try ModelSpecification(target: .init(name: "y", encoder: CategoricalEncoder(sortedValues: ["a", "b"])),
                                                      categorical: [], continuous: [], hyperparameters: hyperparameters) } as? TrainingError,
                       .noInputColumns(skipped: []))
        XCTAssertEqual(error { try ModelSpecification(target: .init(name: "y", encoder: CategoricalEncoder(sortedValues: ["a", "b"])),
                                                      categorical: [], continuous: ["x"],
                                                      hyperparameters: TrainingHyperparameters(epochs: 1, steps: 2)) } as? TrainingError,
                       .invalidModel(.epochsAndStepsBothGiven))
    }

    func testSpecificationFromTheCombinedSchemaAndItsRequest() async throws {
        let (hub, owner, _) = try makeHub()
        let text = "name,score,TARGET\n" + (0..<20).map { "n\($0),\($0),\($0 % 2 == 0 ? "b" : "a")" }.joined(separator: "\n") + "\n"
        try makePod(hub, "p", owner: owner, csv: text, categorical: ["TARGET"])
        let modeller = Modeller(hub: hub, identity: owner)
        let schema = try await modeller.combineSchemas(["p"], dataStructure: try DataStructure(target: "TARGET"))
        let spec = try ModelSpecification(schema: schema, hyperparameters: TrainingHyperparameters(epochs: 1))
        XCTAssertEqual(spec.classes, ["a", "b"])
        XCTAssertEqual(spec.categorical.map(\.name), [])
        XCTAssertEqual(spec.continuous, ["score"])
        XCTAssertEqual(spec.skippedColumns, ["name"])
        XCTAssertEqual(spec.layout.classCount, 2)
        XCTAssertTrue(spec.taskDetail.hasSuffix("specification sha256 \(spec.digest)"))
        XCTAssertEqual(spec.digest.count, 64)

        let noTarget = try await modeller.combineSchemas(["p"])
        XCTAssertEqual(error { try ModelSpecification(schema: noTarget, hyperparameters: TrainingHyperparameters(epochs: 1)) } as? TrainingError,
                       .noTarget)

        // A specification that is not the signed one is refused, and the refusal audited.
        let signed = try ModelTaskRequest.signed(kind: .train, specification: spec, pods: [try hub.resolvePod("p")],
                                                 secureAggregation: false, by: owner)
        let other = try spec.replacingHyperparameters(TrainingHyperparameters(epochs: 2))
        let connection = try hub.localConnection(to: try hub.resolvePod("p"), as: owner.name)
        let answer = try await connection.openTask(ModelTaskRequest(request: signed.request, specification: other))
        XCTAssertEqual(answer.rejection, .specificationMismatch)
        XCTAssertEqual(try hub.auditLog().last?.reason, "the model specification sent does not match the one the modeller signed")
    }

    func testRoundPlanFollowsTheProtocolRules() throws {
        let byEpochs = TrainingHyperparameters(epochs: 4)
        XCTAssertEqual(try FederatedAveragingOptions().plan(for: byEpochs), RoundPlan(rounds: 4, epochsPerRound: 1, stepsPerRound: nil))
        XCTAssertEqual(try FederatedAveragingOptions(epochsBetweenParameterUpdates: 2).plan(for: byEpochs),
                       RoundPlan(rounds: 2, epochsPerRound: 2, stepsPerRound: nil))
        XCTAssertEqual(error { try FederatedAveragingOptions(epochsBetweenParameterUpdates: 3).plan(for: byEpochs) } as? TrainingError,
                       .updateIntervalDoesNotDivide(name: "epochs_between_parameter_updates", total: 4, totalName: "epochs", interval: 3))
        XCTAssertEqual(error { try FederatedAveragingOptions(stepsBetweenParameterUpdates: 2).plan(for: byEpochs) } as? TrainingError,
                       .updateIntervalKind(given: "steps", modelUses: "epochs"))
        XCTAssertEqual(error { try FederatedAveragingOptions(epochsBetweenParameterUpdates: 0).plan(for: byEpochs) } as? TrainingError,
                       .updateIntervalNotPositive(name: "epochs_between_parameter_updates", value: 0))
        XCTAssertEqual(error { try FederatedAveragingOptions(epochsBetweenParameterUpdates: 1, stepsBetweenParameterUpdates: 1).plan(for: byEpochs) } as? TrainingError,
                       .bothUpdateIntervals)
        let bySteps = TrainingHyperparameters(steps: 30)
        XCTAssertEqual(try FederatedAveragingOptions(stepsBetweenParameterUpdates: 10).plan(for: bySteps),
                       RoundPlan(rounds: 3, epochsPerRound: nil, stepsPerRound: 10))
        XCTAssertEqual(error { try FederatedAveragingOptions(epochsBetweenParameterUpdates: 1).plan(for: bySteps) } as? TrainingError,
                       .updateIntervalKind(given: "epochs", modelUses: "steps"))
        XCTAssertEqual(error { try FederatedAveragingOptions(proximalMu: -1).plan(for: bySteps) } as? TrainingError,
                       .invalidProximalCoefficient(-1))
        XCTAssertEqual(TrainingError.updateIntervalDoesNotDivide(name: "epochs_between_parameter_updates", total: 4, totalName: "epochs", interval: 3).description, """
            epochs (4) is not a multiple of epochs_between_parameter_updates (3)
            help: choose epochs_between_parameter_updates so that it divides epochs; rounds = epochs ÷ epochs_between_parameter_updates
            """)
    }

    func testServerOptimizerMovesTrainableTensorsAndAveragesStatistics() throws {
        let spec = try specification()
        let parameters = try TrainedModel(initialising: spec).parameters
        let selection = try TrainableSelection(specification: spec, parameters: parameters)
        let delta = [Float](repeating: 0.5, count: parameters.elementCount)
        var moved = parameters
        var optimizer = ServerOptimizer.fedAdam(FedAdam())
        try selection.apply(delta, to: &moved, optimizer: &optimizer)
        let statistics = ["continuous_norm.running_mean", "continuous_norm.running_var", "layers.0.norm.running_mean"]
        for name in statistics {
            let before = try XCTUnwrap(parameters.values(of: name))
            XCTAssertEqual(try XCTUnwrap(moved.values(of: name)), before.map { $0 + 0.5 }, name)
        }
        // FedAdam's first step: m = 0.05, v = 0.99·τ² + 0.01·0.25, x += 0.01·m/(√v + τ).
        let tau: Float = 1e-3
        let step = 0.01 * 0.05 / ((0.99 * tau * tau + 0.01 * 0.25).squareRoot() + tau)
        let weight = try XCTUnwrap(parameters.values(of: "output.weight"))
        for (after, before) in zip(try XCTUnwrap(moved.values(of: "output.weight")), weight) {
            XCTAssertEqual(after, before + step, accuracy: 1e-6)
        }
        if case let .fedAdam(state) = optimizer {
            XCTAssertEqual(state.firstMoment.count, try spec.makeClassifier().trainableCount)
        } else {
            XCTFail("the optimizer changed kind")
        }
    }

    func testTrainedModelSurvivesSavingWithItsStandardisationAndPredictsIdentically() throws {
        let spec = try specification()
        let initial = try TrainedModel(initialising: spec)
        let standardisation = try XCTUnwrap(ModelStandardisation(columns: ["age", "hours"], pods: [
            "olivia/a": [.init(count: 8, mean: 20, standardDeviation: 10), .init(count: 8, mean: 40, standardDeviation: 20)],
            "olivia/b": [.init(count: 2, mean: 30, standardDeviation: 0), .init(count: 2, mean: 40, standardDeviation: 5)],
        ]))
        XCTAssertEqual(standardisation.pooled[0], .init(count: 10, mean: 22, standardDeviation: 96.0.squareRoot()))
        let model = try TrainedModel(specification: spec, parameters: initial.parameters, standardisation: standardisation, batchesTracked: 37)
        let path = try temporaryDirectory().appendingPathComponent("model.pt").path
        try model.save(to: path, metadata: ["bf.version": "test"])
        let loaded = try TrainedModel.load(from: path)
        XCTAssertEqual(loaded, model)

        let file = try Safetensors.read(from: path)
        XCTAssertEqual(file.metadata["bf.format"], "bf.tabular-classifier")
        XCTAssertEqual(file.metadata["bf.format_version"], "2")
        XCTAssertNotNil(file.metadata["bf.standardisation"])
        XCTAssertEqual(file.parameters.names.filter { $0.hasPrefix("layers.0.norm") },
                       ["layers.0.norm.weight", "layers.0.norm.bias", "layers.0.norm.running_mean", "layers.0.norm.running_var",
                        "layers.0.norm.num_batches_tracked"])
        XCTAssertEqual(file.parameters.values(of: "continuous_norm.num_batches_tracked"), [37])

        let rows = try EncodedPodData(try table(), specification: spec, pod: pod).train
        let before = try spec.makeClassifier(parameters: model.parameters).predictProbabilities(rows)
        let after = try loaded.specification.makeClassifier(parameters: loaded.parameters).predictProbabilities(rows)
        XCTAssertEqual(before.map(\.bitPattern), after.map(\.bitPattern))
    }

    func testModelFilesThatAreNotBfModelsTruncatedOrNewerAreRefusedByName() throws {
        let directory = try temporaryDirectory()
        let model = try TrainedModel(initialising: try specification())
        let path = directory.appendingPathComponent("model.safetensors").path
        try model.save(to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        func refusal(_ name: String, _ contents: [UInt8]) -> String {
            let file = directory.appendingPathComponent(name).path
            XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data(contents)))
            do {
                _ = try TrainedModel.load(from: file)
                return "loaded"
            } catch {
                return error.message
            }
        }
        XCTAssertEqual(refusal("truncated.safetensors", Array(bytes.dropLast(8))),
                       "model file '\(directory.path)/truncated.safetensors' is truncated: its data of tensor 'output.bias' needs 8 bytes but only 0 remain")
        XCTAssertTrue(refusal("data.csv", Array("age,TARGET\n1,yes\n".utf8)).hasPrefix("model file '\(directory.path)/data.csv' is not a bf model: it is not a valid safetensors file"))
        let foreign = Safetensors.encode(try ParameterSet([("w", [2], [1, 2])]), metadata: ["format": "pt"])
        XCTAssertEqual(refusal("foreign.safetensors", foreign),
                       "model file '\(directory.path)/foreign.safetensors' is not a bf model: its metadata has no 'bf.format'")
        var newer = try Safetensors.read(from: path)
        newer.metadata["bf.format_version"] = "3"
        XCTAssertEqual(refusal("newer.safetensors", Safetensors.encode(newer.parameters, metadata: newer.metadata)),
                       "model file '\(directory.path)/newer.safetensors' was written by a newer bf (model format version 3; this bf reads versions up to 2): update bf to load it")
        XCTAssertEqual(refusal("missing.safetensors", []).components(separatedBy: ":").first,
                       "model file '\(directory.path)/missing.safetensors' is truncated")
    }
}
