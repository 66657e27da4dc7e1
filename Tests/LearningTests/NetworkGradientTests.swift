import XCTest
@testable import Learning

/// The fused hidden block and the whole classifier against finite differences and against
/// the composition of the separate layers.
final class NetworkGradientTests: XCTestCase {
    func testHiddenBlockMatchesComposedLayers() {
        var generator = SeededGenerator(seed: 10)
        let rows = 5, inputs = 4, width = 3
        let declarations = HiddenBlock.declarations(prefix: "h", inputs: inputs, width: width)
        let store = ParameterStore(declarations)
        let block = HiddenBlock(prefix: "h", inputs: inputs, width: width, dropout: 0.3, store: store)
        block.linear.initialise(using: &generator)
        block.norm.initialise()
        for j in 0..<width { block.norm.weight[j] = Float(1 + 0.2 * generator.nextNormal()); block.norm.bias[j] = Float(0.1 * generator.nextNormal()) }
        let x = TestMatrix(rows: rows, columns: inputs, generator: &generator)
        let workspace = HiddenBlock.Workspace(rows: rows, width: width)
        let maskSeed = generator
        var blockGenerator = maskSeed
        block.forwardTraining(x.view, workspace: workspace, generator: &blockGenerator)
        let fusedOutput = workspace.output.array

        // The same computation with the separate layers and the same mask.
        let z = TestMatrix(rows: rows, columns: width)
        block.linear.forward(x.view, into: z.view)
        let a = TestMatrix(rows: rows, columns: width)
        let slope = TestMatrix(rows: rows, columns: width)
        Mish.forward(z.buffer.base, into: a.buffer.base, derivative: slope.buffer.base, count: rows * width)
        let normWorkspace = BatchNorm1d.Workspace(rows: rows, features: width)
        let normalized = TestMatrix(rows: rows, columns: width)
        block.norm.forwardTraining(a.view, into: normalized.view, workspace: normWorkspace)
        let mask = TestMatrix(rows: rows, columns: width)
        var maskGenerator = maskSeed
        block.dropout.drawMask(mask.buffer.base, count: rows * width, generator: &maskGenerator)
        let composed = TestMatrix(rows: rows, columns: width)
        block.dropout.forward(normalized.view, mask: mask.buffer.base, into: composed.view)
        for i in 0..<(rows * width) {
            XCTAssertEqual(fusedOutput[i], composed[i], accuracy: 1e-5)
        }

        // Backward both ways with the same upstream gradient.
        let r = TestMatrix(rows: rows, columns: width, generator: &generator)
        workspace.outputGradient.copy(from: r.values)
        let fusedInputGradient = TestMatrix(rows: rows, columns: inputs)
        block.backward(input: x.view, workspace: workspace, inputGradient: fusedInputGradient.view)
        let fusedGradients = store.gradients.array

        let g = TestMatrix(rows: rows, columns: width)
        block.dropout.backward(r.view, mask: mask.buffer.base, into: g.view)
        let da = TestMatrix(rows: rows, columns: width)
        block.norm.backward(g.view, into: da.view, workspace: normWorkspace)
        Mish.backward(da.buffer.base, derivative: slope.buffer.base, into: da.buffer.base, count: rows * width)
        let composedInputGradient = TestMatrix(rows: rows, columns: inputs)
        block.linear.backward(input: x.view, outputGradient: da.view, inputGradient: composedInputGradient.view)
        let composedGradients = store.gradients.array
        for i in 0..<fusedGradients.count {
            XCTAssertEqual(fusedGradients[i], composedGradients[i], accuracy: 1e-5, "parameter gradient \(i)")
        }
        for i in 0..<(rows * inputs) {
            XCTAssertEqual(fusedInputGradient[i], composedInputGradient[i], accuracy: 1e-5, "input gradient \(i)")
        }
    }

    func testHiddenBlockGradient() {
        var generator = SeededGenerator(seed: 11)
        let rows = 6, inputs = 3, width = 4
        let store = ParameterStore(HiddenBlock.declarations(prefix: "h", inputs: inputs, width: width))
        let block = HiddenBlock(prefix: "h", inputs: inputs, width: width, dropout: 0.2, store: store)
        block.linear.initialise(using: &generator)
        block.norm.initialise()
        let x = TestMatrix(rows: rows, columns: inputs, generator: &generator)
        let r = TestMatrix(rows: rows, columns: width, generator: &generator)
        let workspace = HiddenBlock.Workspace(rows: rows, width: width)
        let maskSeed = generator
        let loss = { () -> Double in
            var copy = maskSeed
            block.forwardTraining(x.view, workspace: workspace, generator: &copy)
            return projection(Array(workspace.output.array.prefix(rows * width)), r.values)
        }
        _ = loss()
        workspace.outputGradient.copy(from: r.values)
        let dx = TestMatrix(rows: rows, columns: inputs)
        block.backward(input: x.view, workspace: workspace, inputGradient: dx.view)
        let analytic = store.gradients.array
        let numeric = numericGradient(store.values.base, count: store.trainableCount, epsilon: 1e-2, loss: loss)
        assertGradient(analytic, numeric, "hidden block parameters")
        assertGradient(dx.values, numericGradient(x.buffer.base, count: rows * inputs, epsilon: 1e-2, loss: loss), "hidden block input")
    }

    func testWholeClassifierGradient() throws {
        let classifier = try TabularClassifier(
            layout: smallLayout,
            architecture: TabularArchitecture(hiddenLayers: [5, 4], hiddenDropouts: [0.1, 0.2], embeddingDropout: 0.1),
            seed: 12)
        let data = try separableDataset(layout: smallLayout, rows: 8, seed: 13)
        let rows = data.rowCount
        let workspace = classifier.reserveWorkspace(rows: rows)
        classifier.loadBatch(data, indices: 0..<rows, into: workspace)
        let maskSeed = SeededGenerator(seed: 14)
        let loss = { () -> Double in
            var copy = maskSeed
            return classifier.forwardTraining(rows: rows, workspace: workspace, generator: &copy)
        }
        _ = loss()
        classifier.backward(rows: rows, workspace: workspace)
        let analytic = classifier.store.gradients.array
        let numeric = numericGradient(classifier.store.values.base, count: classifier.trainableCount, epsilon: 1e-2, loss: loss)
        assertGradient(analytic, numeric, tolerance: 5e-3, "classifier parameters")
        // Every kind of tensor received a gradient.
        for name in classifier.trainableNames {
            let entry = classifier.store.entries.first { $0.declaration.name == name }!
            let values = analytic[entry.offset..<(entry.offset + entry.declaration.count)]
            XCTAssertTrue(values.contains { $0 != 0 }, "\(name) has no gradient")
        }
    }
}
