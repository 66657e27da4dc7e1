import XCTest
@testable import Learning

/// Plain SGD steps the Linear weights inside the backward pass's weight-gradient products;
/// the result must be the ordinary step p ← p − lr·g to within one rounding.
final class FusedStepTests: XCTestCase {
    func testFusedSGDStepMatchesGradientThenOptimizerStep() throws {
        let data = try separableDataset(layout: smallLayout, rows: 12, seed: 4)
        let architecture = TabularArchitecture(hiddenLayers: [6, 5], hiddenDropouts: [0.2, 0.1], embeddingDropout: 0.1)
        let learningRate = 0.5
        let hyper = TrainingHyperparameters(steps: 1, batchSize: 12, optimizer: .init(name: "SGD", params: ["lr": learningRate]), seed: 9)

        let fused = try TabularClassifier(layout: smallLayout, architecture: architecture, seed: 2)
        let trainer = try ClassifierTrainer(model: fused, hyperparameters: hyper)
        XCTAssertEqual(trainer.optimizer.plainSGDLearningRate, 0.5)
        try trainer.train(on: data)
        XCTAssertEqual(trainer.stepCount, 1)

        // The same step by hand: the trainer's shuffle and dropout streams, every gradient
        // stored, then the optimizer over all trainable values.
        let manual = try TabularClassifier(layout: smallLayout, architecture: architecture, seed: 2)
        var root = SeededGenerator(seed: 9)
        var shuffle = root.split()
        var dropout = root.split()
        var order = Array(0..<12)
        shuffle.shuffle(&order)
        let workspace = manual.reserveWorkspace(rows: 12)
        manual.loadBatch(data, indices: order, into: workspace)
        _ = manual.forwardTraining(rows: 12, workspace: workspace, generator: &dropout)
        manual.backward(rows: 12, workspace: workspace)
        let optimizer = Optimizer(settings: .sgd(SGDSettings(learningRate: learningRate, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false)), count: manual.trainableCount)
        optimizer.step(values: manual.store.values.base, gradients: manual.store.gradients.base)

        let start = try TabularClassifier(layout: smallLayout, architecture: architecture, seed: 2).parameters()
        let weightNames = Set(fused.blocks.map(\.linear.weightName) + [fused.output.weightName])
        XCTAssertEqual(weightNames, ["layers.0.linear.weight", "layers.1.linear.weight", "output.weight"])
        for name in fused.trainableNames {
            let a = fused.parameters().values(of: name) ?? []
            let b = manual.parameters().values(of: name) ?? []
            let before = start.values(of: name) ?? []
            XCTAssertEqual(a.count, b.count, name)
            if weightNames.contains(name) {
                // Rounding apart only: the products may accumulate in another order (OpenBLAS
                // picks kernels by β) and the update rounds once instead of twice, so allow a
                // few units in the last place of the values involved.
                for ((x, y), p) in zip(zip(a, b), before) {
                    XCTAssertEqual(x, y, accuracy: 16 * (abs(y) + abs(p - y)) * .ulpOfOne, name)
                }
                XCTAssertTrue(zip(a, before).contains { $0 != $1 }, "\(name) did not move")
            } else {
                XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), name)
            }
        }
    }

    func testOnlyPlainSGDIsFused() throws {
        func rate(_ name: String, _ params: [String: Double]) throws -> Float? {
            let model = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [4], hiddenDropouts: [0]), seed: 1)
            return try ClassifierTrainer(model: model, hyperparameters: .init(epochs: 1, optimizer: .init(name: name, params: params))).optimizer.plainSGDLearningRate
        }
        XCTAssertEqual(try rate("SGD", ["lr": 0.25]), 0.25)
        XCTAssertNil(try rate("SGD", ["lr": 0.25, "momentum": 0.9]))
        XCTAssertNil(try rate("SGD", ["lr": 0.25, "weight_decay": 0.01]))
        XCTAssertNil(try rate("Adam", ["lr": 0.25]))
    }

    func testLinearWeightRangesCoverTheWeightsInOrder() throws {
        let model = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [6, 5], hiddenDropouts: [0, 0]), seed: 1)
        let ranges = model.linearWeightRanges
        let entries = model.store.entries.filter { $0.declaration.name.hasSuffix("linear.weight") || $0.declaration.name == "output.weight" }
        XCTAssertEqual(ranges, entries.map { $0.offset..<($0.offset + $0.declaration.count) })
        XCTAssertEqual(ranges.map(\.count), [6 * 8, 5 * 6, 2 * 5])
    }
}
