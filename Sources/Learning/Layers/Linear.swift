/// A fully connected layer, y = x·Wᵀ + b, with W stored [outputs × inputs] as PyTorch does.
///
/// Initialised as PyTorch's `nn.Linear`: kaiming_uniform with a = √5 for W, which is
/// U(−1/√inputs, 1/√inputs), and the same bound for b.
final class Linear {
    /// The input width.
    let inputs: Int
    /// The output width.
    let outputs: Int
    let weight: UnsafeMutablePointer<Float>
    let bias: UnsafeMutablePointer<Float>
    let weightGradient: UnsafeMutablePointer<Float>
    let biasGradient: UnsafeMutablePointer<Float>
    /// The name of the weight tensor in the parameter store.
    let weightName: String

    /// The tensors a Linear layer called `prefix` needs.
    static func declarations(prefix: String, inputs: Int, outputs: Int) -> [ParameterDeclaration] {
        [
            ParameterDeclaration(name: prefix + ".weight", shape: [outputs, inputs], trainable: true),
            ParameterDeclaration(name: prefix + ".bias", shape: [outputs], trainable: true),
        ]
    }

    /// Binds the layer to its tensors in `store`.
    init(prefix: String, inputs: Int, outputs: Int, store: ParameterStore) {
        self.inputs = inputs
        self.outputs = outputs
        weightName = prefix + ".weight"
        weight = store.value(weightName)
        bias = store.value(prefix + ".bias")
        weightGradient = store.gradient(prefix + ".weight")
        biasGradient = store.gradient(prefix + ".bias")
    }

    /// Draws W and b from U(−1/√inputs, 1/√inputs), weights first, row by row.
    func initialise(using generator: inout SeededGenerator) {
        let bound = 1 / Double(inputs).squareRoot()
        for i in 0..<(outputs * inputs) {
            weight[i] = Float((2 * generator.nextDouble() - 1) * bound)
        }
        for i in 0..<outputs {
            bias[i] = Float((2 * generator.nextDouble() - 1) * bound)
        }
    }

    /// y ← x·Wᵀ (the bias is added by `addBias` or by a fused kernel that follows).
    func multiply(_ x: MatrixView, into y: MatrixView) {
        BLAS.gemm(
            transposeA: false, transposeB: true, m: x.rows, n: outputs, k: inputs,
            alpha: 1, a: x.base, lda: x.stride, b: weight, ldb: inputs,
            beta: 0, c: y.base, ldc: y.stride)
    }

    /// y ← y + b on every row.
    func addBias(_ y: MatrixView) {
        for r in 0..<y.rows {
            let row = y.row(r)
            for j in 0..<outputs { row[j] += bias[j] }
        }
    }

    /// y ← x·Wᵀ + b.
    func forward(_ x: MatrixView, into y: MatrixView) {
        multiply(x, into: y)
        addBias(y)
    }

    /// dx ← dy·W when `inputGradient` is given, then the weight gradient dyᵀ·x used as `use`
    /// says: written into the gradient buffer (overwriting it), or applied to W as an SGD step
    /// (after dx, which needs the weights before the step). The bias gradient is left to
    /// `biasBackward` or to a fused kernel that already summed dy.
    func weightBackward(
        input x: MatrixView, outputGradient dy: MatrixView, inputGradient dx: MatrixView?,
        weightGradient use: WeightGradientUse = .store
    ) {
        if let dx { inputBackward(outputGradient: dy, into: dx) }
        switch use {
        case .store:
            BLAS.gemm(
                transposeA: true, transposeB: false, m: outputs, n: inputs, k: x.rows,
                alpha: 1, a: dy.base, lda: dy.stride, b: x.base, ldb: x.stride,
                beta: 0, c: weightGradient, ldc: inputs)
        case let .descend(learningRate):
            BLAS.gemm(
                transposeA: true, transposeB: false, m: outputs, n: inputs, k: x.rows,
                alpha: -learningRate, a: dy.base, lda: dy.stride, b: x.base, ldb: x.stride,
                beta: 1, c: weight, ldc: inputs)
        }
    }

    /// dx ← dy·W.
    func inputBackward(outputGradient dy: MatrixView, into dx: MatrixView) {
        BLAS.gemm(
            transposeA: false, transposeB: false, m: dy.rows, n: inputs, k: outputs,
            alpha: 1, a: dy.base, lda: dy.stride, b: weight, ldb: inputs,
            beta: 0, c: dx.base, ldc: dx.stride)
    }

    /// db ← column sums of dy (overwritten).
    func biasBackward(outputGradient dy: MatrixView) {
        Kernels.columnSums(dy, into: biasGradient)
    }

    /// The full backward pass: db overwritten, the weight gradient used as `use` says; dx
    /// written when given.
    func backward(
        input x: MatrixView, outputGradient dy: MatrixView, inputGradient dx: MatrixView?,
        weightGradient use: WeightGradientUse = .store
    ) {
        biasBackward(outputGradient: dy)
        weightBackward(input: x, outputGradient: dy, inputGradient: dx, weightGradient: use)
    }
}
