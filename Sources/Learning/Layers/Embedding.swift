import Foundation

/// A lookup table of `cardinality` rows of width `width`: category code c maps to row c.
/// Initialised as PyTorch's `nn.Embedding`: every weight from N(0, 1).
final class Embedding {
    /// The number of categories.
    let cardinality: Int
    /// The embedding width.
    let width: Int
    let weight: UnsafeMutablePointer<Float>
    let weightGradient: UnsafeMutablePointer<Float>

    /// The width bf gives a column with `cardinality` categories: min(600, round(1.6·n^0.56)),
    /// the fastai rule that Bitfount's tabular classifier uses.
    static func defaultWidth(cardinality: Int) -> Int {
        min(600, Int((1.6 * pow(Double(cardinality), 0.56)).rounded()))
    }

    /// The tensor an embedding called `prefix` needs.
    static func declarations(prefix: String, cardinality: Int, width: Int) -> [ParameterDeclaration] {
        [ParameterDeclaration(name: prefix + ".weight", shape: [cardinality, width], trainable: true)]
    }

    /// Binds the layer to its tensor in `store`.
    init(prefix: String, cardinality: Int, width: Int, store: ParameterStore) {
        self.cardinality = cardinality
        self.width = width
        weight = store.value(prefix + ".weight")
        weightGradient = store.gradient(prefix + ".weight")
    }

    /// Draws every weight from N(0, 1), row by row.
    func initialise(using generator: inout SeededGenerator) {
        for i in 0..<(cardinality * width) {
            weight[i] = Float(generator.nextNormal())
        }
    }

    /// Row r of `output` ← the weight row of code `codes[r·codeStride]`. Codes are validated
    /// when the dataset is built.
    func forward(codes: UnsafePointer<Int32>, codeStride: Int, into output: MatrixView) {
        for r in 0..<output.rows {
            let source = weight + Int(codes[r * codeStride]) * width
            output.row(r).update(from: source, count: width)
        }
    }

    /// dW ← Σ over rows of the output gradient scattered to each row's code (overwritten).
    func backward(codes: UnsafePointer<Int32>, codeStride: Int, outputGradient: MatrixView) {
        weightGradient.update(repeating: 0, count: cardinality * width)
        for r in 0..<outputGradient.rows {
            let target = weightGradient + Int(codes[r * codeStride]) * width
            let source = outputGradient.row(r)
            for j in 0..<width { target[j] += source[j] }
        }
    }
}
