import Foundation
import XCTest
@testable import Learning

/// Each layer's backward pass against central finite differences.
final class LayerGradientTests: XCTestCase {
    func testLinear() {
        var generator = SeededGenerator(seed: 1)
        let store = ParameterStore(Linear.declarations(prefix: "fc", inputs: 3, outputs: 2))
        let linear = Linear(prefix: "fc", inputs: 3, outputs: 2, store: store)
        linear.initialise(using: &generator)
        let x = TestMatrix(rows: 4, columns: 3, generator: &generator)
        let y = TestMatrix(rows: 4, columns: 2)
        let r = TestMatrix(rows: 4, columns: 2, generator: &generator)
        let dx = TestMatrix(rows: 4, columns: 3)
        let loss = { () -> Double in
            linear.forward(x.view, into: y.view)
            return projection(y.values, r.values)
        }
        _ = loss()
        linear.backward(input: x.view, outputGradient: r.view, inputGradient: dx.view)
        let weightGradient = Array(UnsafeBufferPointer(start: linear.weightGradient, count: 6))
        let biasGradient = Array(UnsafeBufferPointer(start: linear.biasGradient, count: 2))
        assertGradient(weightGradient, numericGradient(linear.weight, count: 6, epsilon: 1e-2, loss: loss), "linear weight")
        assertGradient(biasGradient, numericGradient(linear.bias, count: 2, epsilon: 1e-2, loss: loss), "linear bias")
        assertGradient(dx.values, numericGradient(x.buffer.base, count: 12, epsilon: 1e-2, loss: loss), "linear input")
    }

    func testLinearForwardByHand() {
        let store = ParameterStore(Linear.declarations(prefix: "fc", inputs: 2, outputs: 2))
        let linear = Linear(prefix: "fc", inputs: 2, outputs: 2, store: store)
        // W = [[1, 2], [3, 4]], b = [0.5, -1]; x = [1, -1] → [1 − 2 + 0.5, 3 − 4 − 1].
        store.values.copy(from: [1, 2, 3, 4, 0.5, -1])
        let x = TestMatrix(rows: 1, columns: 2, values: [1, -1])
        let y = TestMatrix(rows: 1, columns: 2)
        linear.forward(x.view, into: y.view)
        XCTAssertEqual(y.values, [-0.5, -2])
    }

    func testEmbedding() {
        var generator = SeededGenerator(seed: 2)
        let store = ParameterStore(Embedding.declarations(prefix: "e", cardinality: 4, width: 3))
        let embedding = Embedding(prefix: "e", cardinality: 4, width: 3, store: store)
        embedding.initialise(using: &generator)
        let codes: [Int32] = [2, 0, 2, 3, 2]
        let y = TestMatrix(rows: 5, columns: 3)
        let r = TestMatrix(rows: 5, columns: 3, generator: &generator)
        let loss = { () -> Double in
            codes.withUnsafeBufferPointer { embedding.forward(codes: $0.baseAddress!, codeStride: 1, into: y.view) }
            return projection(y.values, r.values)
        }
        _ = loss()
        XCTAssertEqual(Array(y.values[0..<3]), Array(UnsafeBufferPointer(start: embedding.weight + 6, count: 3)))
        codes.withUnsafeBufferPointer { embedding.backward(codes: $0.baseAddress!, codeStride: 1, outputGradient: r.view) }
        let analytic = Array(UnsafeBufferPointer(start: embedding.weightGradient, count: 12))
        assertGradient(analytic, numericGradient(embedding.weight, count: 12, epsilon: 1e-2, loss: loss), "embedding weight")
        // Row 1 (code 1) is never used, so its gradient is exactly zero.
        XCTAssertEqual(Array(analytic[3..<6]), [0, 0, 0])
    }

    func testMishValuesAndGradient() {
        let inputs: [Float] = [-30, -8, -3.5, -1, -0.3, 0.2, 0.9, 2.5, 7, 19, 25]
        let x = TestMatrix(rows: 1, columns: inputs.count, values: inputs)
        let y = TestMatrix(rows: 1, columns: inputs.count)
        let derivative = TestMatrix(rows: 1, columns: inputs.count)
        Mish.forward(x.buffer.base, into: y.buffer.base, derivative: derivative.buffer.base, count: inputs.count)
        for (index, value) in inputs.enumerated() {
            let v = Double(value)
            let reference = v * tanh(log1p(exp(v)))
            XCTAssertEqual(Double(y[index]), reference, accuracy: 2e-6 * max(1, abs(reference)), "mish(\(value))")
            let s = 1 / (1 + exp(-v))
            let softplus = log1p(exp(v))
            let referenceSlope = tanh(softplus) + v * s * (1 - tanh(softplus) * tanh(softplus))
            XCTAssertEqual(Double(derivative[index]), referenceSlope, accuracy: 1e-5, "mish'(\(value))")
        }
        let evaluationOutput = TestMatrix(rows: 1, columns: inputs.count)
        Mish.forward(x.buffer.base, into: evaluationOutput.buffer.base, count: inputs.count)
        XCTAssertEqual(evaluationOutput.values, y.values)

        var generator = SeededGenerator(seed: 3)
        let r = TestMatrix(rows: 1, columns: inputs.count, generator: &generator)
        let scratch = TestMatrix(rows: 1, columns: inputs.count)
        let loss = { () -> Double in
            Mish.forward(x.buffer.base, into: y.buffer.base, derivative: scratch.buffer.base, count: inputs.count)
            return projection(y.values, r.values)
        }
        let dx = TestMatrix(rows: 1, columns: inputs.count)
        Mish.backward(r.buffer.base, derivative: derivative.buffer.base, into: dx.buffer.base, count: inputs.count)
        assertGradient(dx.values, numericGradient(x.buffer.base, count: inputs.count, epsilon: 1e-2, loss: loss), "mish input")
    }

    func testExponentialAccuracy() {
        var worst = 0.0
        var x: Float = -87
        while x < 88 {
            let relative = abs(Double(Kernels.exp(x)) - Foundation.exp(Double(x))) / Foundation.exp(Double(x))
            worst = max(worst, relative)
            x += 0.0137
        }
        XCTAssertLessThan(worst, 3e-7)
        XCTAssertEqual(Kernels.exp(0), 1)
        XCTAssertTrue(Kernels.exp(1000).isFinite)
        XCTAssertGreaterThanOrEqual(Kernels.exp(-1000), 0)
    }

    func testBatchNormTraining() {
        var generator = SeededGenerator(seed: 5)
        let store = ParameterStore(BatchNorm1d.declarations(prefix: "bn", features: 3))
        let norm = BatchNorm1d(prefix: "bn", features: 3, store: store)
        norm.initialise()
        for j in 0..<3 {
            norm.weight[j] = Float(1 + 0.3 * generator.nextNormal())
            norm.bias[j] = Float(0.2 * generator.nextNormal())
        }
        let workspace = BatchNorm1d.Workspace(rows: 6, features: 3)
        let x = TestMatrix(rows: 6, columns: 3, generator: &generator, scale: 2)
        let y = TestMatrix(rows: 6, columns: 3)
        let r = TestMatrix(rows: 6, columns: 3, generator: &generator)
        let loss = { () -> Double in
            norm.forwardTraining(x.view, into: y.view, workspace: workspace)
            return projection(y.values, r.values)
        }
        _ = loss()
        let dx = TestMatrix(rows: 6, columns: 3)
        norm.backward(r.view, into: dx.view, workspace: workspace)
        let weightGradient = Array(UnsafeBufferPointer(start: norm.weightGradient, count: 3))
        let biasGradient = Array(UnsafeBufferPointer(start: norm.biasGradient, count: 3))
        assertGradient(dx.values, numericGradient(x.buffer.base, count: 18, epsilon: 1e-2, loss: loss), "batch norm input")
        assertGradient(weightGradient, numericGradient(norm.weight, count: 3, epsilon: 1e-2, loss: loss), "batch norm weight")
        assertGradient(biasGradient, numericGradient(norm.bias, count: 3, epsilon: 1e-2, loss: loss), "batch norm bias")
    }

    func testDropoutWithFixedMask() {
        var generator = SeededGenerator(seed: 6)
        let dropout = Dropout(probability: 0.5)
        let x = TestMatrix(rows: 3, columns: 4, generator: &generator)
        let y = TestMatrix(rows: 3, columns: 4)
        let mask = TestMatrix(rows: 3, columns: 4)
        dropout.drawMask(mask.buffer.base, count: 12, generator: &generator)
        XCTAssertTrue(mask.values.allSatisfy { $0 == 0 || $0 == 2 })
        XCTAssertTrue(mask.values.contains(0) && mask.values.contains(2))
        let r = TestMatrix(rows: 3, columns: 4, generator: &generator)
        let loss = { () -> Double in
            dropout.forward(x.view, mask: mask.buffer.base, into: y.view)
            return projection(y.values, r.values)
        }
        _ = loss()
        for i in 0..<12 { XCTAssertEqual(y[i], x[i] * mask[i]) }
        let dx = TestMatrix(rows: 3, columns: 4)
        dropout.backward(r.view, mask: mask.buffer.base, into: dx.view)
        assertGradient(dx.values, numericGradient(x.buffer.base, count: 12, epsilon: 1e-2, loss: loss), "dropout input")
    }

    func testDropoutRateAndScale() {
        var generator = SeededGenerator(seed: 7)
        let mask = TestMatrix(rows: 100, columns: 1000)
        Dropout(probability: 0.1).drawMask(mask.buffer.base, count: 100_000, generator: &generator)
        let dropped = mask.values.filter { $0 == 0 }.count
        XCTAssertEqual(Double(dropped) / 100_000, 0.1, accuracy: 0.005)
        XCTAssertTrue(mask.values.allSatisfy { $0 == 0 || $0 == Float(1 / 0.9) })
        Dropout(probability: 0).drawMask(mask.buffer.base, count: 100_000, generator: &generator)
        XCTAssertTrue(mask.values.allSatisfy { $0 == 1 })
    }

    func testSoftmaxCrossEntropy() {
        let logits = TestMatrix(rows: 3, columns: 3, values: [1, 2, 3, 0.5, -0.5, 0, 2, 2, 2])
        let labels: [Int32] = [2, 0, 1]
        let probabilities = TestMatrix(rows: 3, columns: 3)
        let loss = labels.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.forward(logits.view, labels: $0.baseAddress!, probabilities: probabilities.view)
        }
        // By hand: −log softmax picks, averaged.
        let first = -log(exp(3.0) / (exp(1.0) + exp(2.0) + exp(3.0)))
        let second = -log(exp(0.5) / (exp(0.5) + exp(-0.5) + exp(0.0)))
        let third = -log(1.0 / 3)
        XCTAssertEqual(loss, (first + second + third) / 3, accuracy: 1e-6)
        XCTAssertEqual(Double(probabilities[6]), 1.0 / 3, accuracy: 1e-7)

        let gradient = TestMatrix(rows: 3, columns: 3)
        labels.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.backward(probabilities: probabilities.view, labels: $0.baseAddress!, into: gradient.view)
        }
        let scratch = TestMatrix(rows: 3, columns: 3)
        let numeric = numericGradient(logits.buffer.base, count: 9, epsilon: 1e-2) {
            labels.withUnsafeBufferPointer { SoftmaxCrossEntropy.forward(logits.view, labels: $0.baseAddress!, probabilities: scratch.view) }
        }
        assertGradient(gradient.values, numeric, "cross-entropy logits")
    }

    func testSoftmaxCrossEntropyIsStableForHugeLogits() {
        let logits = TestMatrix(rows: 2, columns: 2, values: [1000, -1000, -1000, 1000])
        let probabilities = TestMatrix(rows: 2, columns: 2)
        let labels: [Int32] = [1, 1]
        let loss = labels.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.forward(logits.view, labels: $0.baseAddress!, probabilities: probabilities.view)
        }
        XCTAssertEqual(loss, 1000, accuracy: 1e-9)
        XCTAssertEqual(probabilities.values, [1, 0, 0, 1])
    }

    func testConcatenation() {
        let a = TestMatrix(rows: 2, columns: 2, values: [1, 2, 3, 4])
        let b = TestMatrix(rows: 2, columns: 1, values: [5, 6])
        let concatenation = Concatenation(widths: [2, 1])
        let out = TestMatrix(rows: 2, columns: 3)
        concatenation.forward([a.view, b.view], into: out.view)
        XCTAssertEqual(out.values, [1, 2, 5, 3, 4, 6])
        let da = TestMatrix(rows: 2, columns: 2)
        let db = TestMatrix(rows: 2, columns: 1)
        let gradient = TestMatrix(rows: 2, columns: 3, values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
        concatenation.backward(gradient.view, into: [da.view, db.view])
        XCTAssertEqual(da.values, [0.1, 0.2, 0.4, 0.5])
        XCTAssertEqual(db.values, [0.3, 0.6])
        let block = concatenation.block(1, of: out.view)
        XCTAssertEqual(block.row(1)[0], 6)
    }
}
