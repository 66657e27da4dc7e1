import XCTest
@testable import Learning

/// Optimizer updates on a two-element tensor, p₀ = [1, −2], with gradients
/// [0.5, −0.25], [−0.25, 0.125], [0.75, 0.5] over three steps, against values computed by
/// hand from PyTorch's formulas (they agree with torch 2.13.0 to Float32 rounding).
final class OptimizerTests: XCTestCase {
    let gradients: [[Float]] = [[0.5, -0.25], [-0.25, 0.125], [0.75, 0.5]]

    func steps(_ config: OptimizerConfig) throws -> [[Float]] {
        let optimizer = Optimizer(settings: try config.resolve(), count: 2)
        let values = FloatBuffer(count: 2)
        values.copy(from: [1, -2])
        let gradient = FloatBuffer(count: 2)
        var result: [[Float]] = []
        for g in gradients {
            gradient.copy(from: g)
            optimizer.step(values: values.base, gradients: gradient.base)
            result.append(values.array)
        }
        return result
    }

    func assertSteps(_ config: OptimizerConfig, _ expected: [[Double]], accuracy: Double = 1e-6, file: StaticString = #filePath, line: UInt = #line) throws {
        let actual = try steps(config)
        for (step, (a, e)) in zip(actual, expected).enumerated() {
            for k in 0..<2 {
                XCTAssertEqual(Double(a[k]), e[k], accuracy: accuracy, "\(config.name) step \(step + 1) element \(k)", file: file, line: line)
            }
        }
    }

    func testPlainSGD() throws {
        // p ← p − 0.1·g.
        try assertSteps(OptimizerConfig(name: "SGD", params: ["lr": 0.1]),
                        [[0.95, -1.975], [0.975, -1.9875], [0.9, -2.0375]])
    }

    func testSGDWeightDecay() throws {
        // g ← g + 0.1·p: step 1 g = [0.6, −0.45] → [0.94, −1.955];
        // step 2 g = [−0.25 + 0.094, 0.125 − 0.1955] → [0.9556, −1.94795].
        try assertSteps(OptimizerConfig(name: "SGD", params: ["lr": 0.1, "weight_decay": 0.1]),
                        [[0.94, -1.955], [0.9556, -1.94795], [0.871044, -1.9784705]])
    }

    func testSGDMomentum() throws {
        // b₁ = g₁; b₂ = 0.9·b₁ + g₂ = [0.2, −0.1]; b₃ = 0.9·b₂ + g₃ = [0.93, 0.41].
        try assertSteps(OptimizerConfig(name: "SGD", params: ["lr": 0.1, "momentum": 0.9]),
                        [[0.95, -1.975], [0.93, -1.965], [0.837, -2.006]])
    }

    func testSGDDampening() throws {
        // b₂ = 0.9·b₁ + 0.5·g₂ = [0.325, −0.1625].
        try assertSteps(OptimizerConfig(name: "SGD", params: ["lr": 0.1, "momentum": 0.9, "dampening": 0.5]),
                        [[0.95, -1.975], [0.9175, -1.95875], [0.85075, -1.969125]])
    }

    func testSGDNesterov() throws {
        // step 1: b = g, update g + 0.9·b = 1.9·g → [0.905, −1.9525].
        try assertSteps(OptimizerConfig(name: "SGD", params: ["lr": 0.1, "momentum": 0.9, "nesterov": 1]),
                        [[0.905, -1.9525], [0.912, -1.956], [0.7533, -2.0429]])
    }

    func testAdam() throws {
        // step 1: m̂ = g, v̂ = g², p ← p − 0.1·g/(|g| + 1e-8) ≈ p − 0.1·sign(g).
        try assertSteps(OptimizerConfig(name: "Adam", params: ["lr": 0.1]),
                        [[0.9, -1.9], [0.87336636, -1.87336624], [0.80983436, -1.91909945]])
    }

    func testAdamWeightDecayEntersGradient() throws {
        try assertSteps(OptimizerConfig(name: "Adam", params: ["lr": 0.1, "weight_decay": 0.1]),
                        [[0.9, -1.9], [0.8544414, -1.82303965], [0.78215843, -1.81090367]])
    }

    func testAdamWDefaultDecoupledDecay() throws {
        // step 1: p ← p·(1 − 0.1·0.01) then the Adam step: 0.999 − 0.1 = 0.899.
        try assertSteps(OptimizerConfig(name: "AdamW", params: ["lr": 0.1]),
                        [[0.899, -1.898], [0.87146735, -1.86946833], [0.80706382, -1.9133321]])
    }

    func testAdamWAMSGrad() throws {
        try assertSteps(OptimizerConfig(name: "AdamW", params: ["lr": 0.1, "amsgrad": 1, "weight_decay": 0.05]),
                        [[0.895, -1.89], [0.86389136, -1.85391629], [0.79603994, -1.89037991]])
    }

    func testStateRoundTripContinuesIdentically() throws {
        let layout = smallLayout
        let data = try separableDataset(layout: layout, rows: 64, seed: 3)
        let architecture = TabularArchitecture(hiddenLayers: [8], hiddenDropouts: [0])
        let hyper = TrainingHyperparameters(steps: 3, batchSize: 16, optimizer: .init(name: "Adam", params: ["lr": 0.01]), seed: 5)

        let reference = try TabularClassifier(layout: layout, architecture: architecture, seed: 1)
        let referenceTrainer = try ClassifierTrainer(model: reference, hyperparameters: hyper)
        try referenceTrainer.train(on: data)
        let state = referenceTrainer.optimizerState()
        XCTAssertEqual(state.stepCount, 3)
        XCTAssertEqual(state.tensors.names.first, "exp_avg.embeddings.0.weight")
        XCTAssertEqual(state.tensors.elementCount, 2 * reference.trainableCount)
        let saved = reference.parameters()

        // A new trainer restored from the state and parameters takes the same next steps as
        // the original trainer, so Adam's moments and step count came back.
        let resumed = try TabularClassifier(layout: layout, architecture: architecture, seed: 2)
        try resumed.load(saved)
        let resumedTrainer = try ClassifierTrainer(model: resumed, hyperparameters: hyper)
        try resumedTrainer.restoreOptimizerState(state)
        XCTAssertEqual(resumedTrainer.optimizerState(), state)

        let fresh = try TabularClassifier(layout: layout, architecture: architecture, seed: 2)
        try fresh.load(saved)
        let freshTrainer = try ClassifierTrainer(model: fresh, hyperparameters: hyper)
        try resumedTrainer.train(on: data)
        try freshTrainer.train(on: data)
        XCTAssertNotEqual(resumed.parameters(), fresh.parameters(), "restored moments must change the update")
        XCTAssertEqual(resumedTrainer.stepCount, 6)
    }

    func testStateOfAnotherOptimizerIsRefused() throws {
        let model = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [4], hiddenDropouts: [0]), seed: 1)
        let adam = try ClassifierTrainer(model: model, hyperparameters: .init(epochs: 1, optimizer: .init(name: "Adam")))
        let sgd = try ClassifierTrainer(model: model, hyperparameters: .init(epochs: 1, optimizer: .init(name: "SGD", params: ["momentum": 0.9])))
        let error = learningError { try sgd.restoreOptimizerState(adam.optimizerState()) }
        XCTAssertEqual(error?.description, "optimizer state does not fit: it belongs to 'Adam' but this trainer uses 'SGD'")
    }
}
