/// One hidden layer of the tabular classifier, Linear → Mish → BatchNorm1d → Dropout, with
/// the element-wise work fused into as few passes over the batch as the batch statistics
/// allow.
///
/// Training forward: the product x·Wᵀ; one pass adds the bias, applies Mish, keeps Mish′ and
/// sums the columns; one pass for the variance; one pass normalises, applies the affine map
/// and the dropout mask. Backward: one pass applies the mask and reduces the batch-norm
/// gradients; one pass produces dL/dz through batch norm and Mish and sums the bias
/// gradient; then the two products. Numerically this is the composition of `Linear`,
/// `Mish`, `BatchNorm1d` and `Dropout`, which the tests check.
final class HiddenBlock {
    /// The per-batch buffers of one block, sized for a maximum number of rows.
    final class Workspace {
        /// z = x·Wᵀ + b, then Mish(z), then x̂ (rows × width).
        let activation: FloatBuffer
        /// Mish′(z) (rows × width).
        let derivative: FloatBuffer
        /// The block's output, the next layer's input (rows × width).
        let output: FloatBuffer
        /// The dropout mask (rows × width).
        let mask: FloatBuffer
        /// dL/d output, then dL/dz in place (rows × width).
        let outputGradient: FloatBuffer
        /// Batch mean per feature.
        let mean: FloatBuffer
        /// Biased batch variance per feature, then scratch.
        let variance: FloatBuffer
        /// 1/√(var + ε) per feature.
        let inverseDeviation: FloatBuffer
        /// Scratch per feature.
        let scratch: FloatBuffer

        /// Room for `rows` rows of a block `width` wide.
        init(rows: Int, width: Int) {
            activation = FloatBuffer(count: rows * width)
            derivative = FloatBuffer(count: rows * width)
            output = FloatBuffer(count: rows * width)
            mask = FloatBuffer(count: rows * width)
            outputGradient = FloatBuffer(count: rows * width)
            mean = FloatBuffer(count: width)
            variance = FloatBuffer(count: width)
            inverseDeviation = FloatBuffer(count: width)
            scratch = FloatBuffer(count: width)
        }
    }

    /// The affine layer.
    let linear: Linear
    /// The normalisation after Mish.
    let norm: BatchNorm1d
    /// The dropout at the end.
    let dropout: Dropout
    /// The output width.
    var width: Int { linear.outputs }

    /// A block reading `inputs` features and producing `width`, with its tensors named
    /// `prefix.linear.*` and `prefix.norm.*` in `store`.
    init(prefix: String, inputs: Int, width: Int, dropout: Double, store: ParameterStore) {
        linear = Linear(prefix: prefix + ".linear", inputs: inputs, outputs: width, store: store)
        norm = BatchNorm1d(prefix: prefix + ".norm", features: width, store: store)
        self.dropout = Dropout(probability: dropout)
    }

    /// The tensors of a block called `prefix`.
    static func declarations(prefix: String, inputs: Int, width: Int) -> [ParameterDeclaration] {
        Linear.declarations(prefix: prefix + ".linear", inputs: inputs, outputs: width)
            + BatchNorm1d.declarations(prefix: prefix + ".norm", features: width)
    }

    /// The output of the last forward pass for `rows` rows.
    func output(_ workspace: Workspace, rows: Int) -> MatrixView {
        MatrixView(workspace.output.base, rows: rows, columns: width)
    }

    /// Training forward pass over `input`, drawing a new dropout mask. With the batch's
    /// statistics `input` needs at least two rows; with the running ones (DP-SGD) any number.
    func forwardTraining(
        _ input: MatrixView, workspace: Workspace, generator: inout SeededGenerator,
        statistics: NormalisationStatistics = .batch
    ) {
        let rows = input.rows
        let columns = width
        let activation = workspace.activation.base
        let derivative = workspace.derivative.base
        let mean = workspace.mean.base
        let variance = workspace.variance.base
        let bias = linear.bias
        linear.multiply(input, into: MatrixView(activation, rows: rows, columns: columns))

        let inverseDeviation = workspace.inverseDeviation.base
        switch statistics {
        case .batch:
            mean.update(repeating: 0, count: columns)
            for r in 0..<rows {
                let z = activation + r * columns
                let slope = derivative + r * columns
                for j in 0..<columns {
                    let (value, derivativeValue) = Kernels.mish(z[j] + bias[j])
                    z[j] = value
                    slope[j] = derivativeValue
                    mean[j] += value
                }
            }
            let inverseRows = 1 / Float(rows)
            for j in 0..<columns { mean[j] *= inverseRows }
            variance.update(repeating: 0, count: columns)
            for r in 0..<rows {
                let a = activation + r * columns
                for j in 0..<columns {
                    let centred = a[j] - mean[j]
                    variance[j] += centred * centred
                }
            }
            for j in 0..<columns { variance[j] *= inverseRows }
            norm.finishStatistics(rows: rows, mean: mean, variance: variance, inverseDeviation: inverseDeviation)
        case .running:
            for r in 0..<rows {
                let z = activation + r * columns
                let slope = derivative + r * columns
                for j in 0..<columns {
                    (z[j], slope[j]) = Kernels.mish(z[j] + bias[j])
                }
            }
            norm.runningStatistics(mean: mean, inverseDeviation: inverseDeviation)
        }

        let mask = workspace.mask.base
        dropout.drawMask(mask, count: rows * columns, generator: &generator)
        let gamma = norm.weight
        let beta = norm.bias
        let output = workspace.output.base
        for r in 0..<rows {
            let a = activation + r * columns
            let m = mask + r * columns
            let y = output + r * columns
            for j in 0..<columns {
                let normalized = (a[j] - mean[j]) * inverseDeviation[j]
                a[j] = normalized
                y[j] = (normalized * gamma[j] + beta[j]) * m[j]
            }
        }
    }

    /// Evaluation forward pass: running statistics, no dropout.
    func forwardEvaluation(_ input: MatrixView, workspace: Workspace) {
        let rows = input.rows
        let columns = width
        let output = workspace.output.base
        let scale = workspace.mean.base
        let shift = workspace.variance.base
        let bias = linear.bias
        linear.multiply(input, into: MatrixView(output, rows: rows, columns: columns))
        norm.evaluationAffine(scale: scale, shift: shift)
        for r in 0..<rows {
            let y = output + r * columns
            for j in 0..<columns {
                y[j] = Kernels.mishValue(y[j] + bias[j]) * scale[j] + shift[j]
            }
        }
    }

    /// Backward pass after `forwardTraining(input)`, with dL/d output already in
    /// `workspace.outputGradient`. Overwrites this block's parameter gradients (the linear
    /// weight's used as `weightGradient` says) and writes dL/d input into `inputGradient`
    /// when given.
    func backward(
        input: MatrixView, workspace: Workspace, inputGradient: MatrixView?,
        weightGradient use: WeightGradientUse = .store
    ) {
        let rows = input.rows
        let columns = width
        let gradient = workspace.outputGradient.base
        let mask = workspace.mask.base
        let normalized = workspace.activation.base
        let derivative = workspace.derivative.base
        let betaGradient = norm.biasGradient
        let gammaGradient = norm.weightGradient
        betaGradient.update(repeating: 0, count: columns)
        gammaGradient.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let g = gradient + r * columns
            let m = mask + r * columns
            let xhat = normalized + r * columns
            for j in 0..<columns {
                let masked = g[j] * m[j]
                g[j] = masked
                betaGradient[j] += masked
                gammaGradient[j] += masked * xhat[j]
            }
        }
        let factor = workspace.scratch.base
        let meanGradient = workspace.mean.base
        let projection = workspace.variance.base
        let inverseDeviation = workspace.inverseDeviation.base
        let inverseRows = 1 / Float(rows)
        let gamma = norm.weight
        for j in 0..<columns {
            factor[j] = gamma[j] * inverseDeviation[j]
            meanGradient[j] = betaGradient[j] * inverseRows
            projection[j] = gammaGradient[j] * inverseRows
        }
        let biasGradient = linear.biasGradient
        biasGradient.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let g = gradient + r * columns
            let xhat = normalized + r * columns
            let slope = derivative + r * columns
            for j in 0..<columns {
                let dz = factor[j] * (g[j] - meanGradient[j] - xhat[j] * projection[j]) * slope[j]
                g[j] = dz
                biasGradient[j] += dz
            }
        }
        linear.weightBackward(
            input: input, outputGradient: MatrixView(gradient, rows: rows, columns: columns),
            inputGradient: inputGradient, weightGradient: use)
    }
}
