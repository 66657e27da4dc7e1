/// Which statistics a batch norm normalises with while training.
enum NormalisationStatistics {
    /// The batch's own mean and variance, moving the running statistics toward them
    /// (PyTorch's training mode).
    case batch
    /// The running statistics, left as they are: each row's output then depends on that row
    /// alone, which DP-SGD's per-sample clipping needs (see `PrivateGradients`).
    case running
}

/// Batch normalisation over the rows of a batch, per feature (PyTorch's `nn.BatchNorm1d`
/// with momentum 0.1 and ε = 10⁻⁵).
///
/// Training normalises with the batch mean and biased variance and updates the running
/// statistics with the unbiased variance: running ← (1 − 0.1)·running + 0.1·batch.
/// Evaluation normalises with the running statistics. Weight starts at 1, bias at 0, running
/// mean at 0 and running variance at 1.
final class BatchNorm1d {
    /// The per-batch values the backward pass needs.
    final class Workspace {
        /// x̂ = (x − mean)/√(var + ε), rows × features.
        let normalized: FloatBuffer
        /// The batch mean per feature.
        let mean: FloatBuffer
        /// 1/√(var + ε) per feature, var being the biased batch variance.
        let inverseDeviation: FloatBuffer
        /// Scratch per feature (variance, then reductions in the backward pass).
        let scratch: FloatBuffer
        /// A second scratch per feature.
        let scratch2: FloatBuffer

        /// Room for up to `rows` rows of `features` features.
        init(rows: Int, features: Int) {
            normalized = FloatBuffer(count: rows * features)
            mean = FloatBuffer(count: features)
            inverseDeviation = FloatBuffer(count: features)
            scratch = FloatBuffer(count: features)
            scratch2 = FloatBuffer(count: features)
        }
    }

    /// The number of features.
    let features: Int
    /// The weight of the new batch statistic in the running statistics.
    let momentum: Double = 0.1
    /// Added to the variance before the square root.
    let epsilon: Float = 1e-5
    let weight: UnsafeMutablePointer<Float>
    let bias: UnsafeMutablePointer<Float>
    let weightGradient: UnsafeMutablePointer<Float>
    let biasGradient: UnsafeMutablePointer<Float>
    let runningMean: UnsafeMutablePointer<Float>
    let runningVariance: UnsafeMutablePointer<Float>

    /// The tensors a batch norm called `prefix` needs (named as in PyTorch).
    static func declarations(prefix: String, features: Int) -> [ParameterDeclaration] {
        [
            ParameterDeclaration(name: prefix + ".weight", shape: [features], trainable: true),
            ParameterDeclaration(name: prefix + ".bias", shape: [features], trainable: true),
            ParameterDeclaration(name: prefix + ".running_mean", shape: [features], trainable: false),
            ParameterDeclaration(name: prefix + ".running_var", shape: [features], trainable: false),
        ]
    }

    /// Binds the layer to its tensors in `store`.
    init(prefix: String, features: Int, store: ParameterStore) {
        self.features = features
        weight = store.value(prefix + ".weight")
        bias = store.value(prefix + ".bias")
        weightGradient = store.gradient(prefix + ".weight")
        biasGradient = store.gradient(prefix + ".bias")
        runningMean = store.value(prefix + ".running_mean")
        runningVariance = store.value(prefix + ".running_var")
    }

    /// Weight 1, bias 0, running mean 0, running variance 1.
    func initialise() {
        weight.update(repeating: 1, count: features)
        bias.update(repeating: 0, count: features)
        runningMean.update(repeating: 0, count: features)
        runningVariance.update(repeating: 1, count: features)
    }

    /// Sets mean and 1/√(var + ε) from the batch (biased variance) and updates the running
    /// statistics (unbiased variance). `x` needs at least two rows.
    func computeBatchStatistics(_ x: MatrixView, workspace: Workspace) {
        let mean = workspace.mean.base
        let variance = workspace.scratch.base
        let inverseDeviation = workspace.inverseDeviation.base
        Kernels.columnMeanAndVariance(x, mean: mean, variance: variance)
        finishStatistics(rows: x.rows, mean: mean, variance: variance, inverseDeviation: inverseDeviation)
    }

    /// From a batch's mean and biased variance: inverseDeviation ← 1/√(var + ε), and the
    /// running statistics move 10% toward the batch (unbiased variance), in Double as PyTorch
    /// accumulates them.
    func finishStatistics(
        rows: Int, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        inverseDeviation: UnsafeMutablePointer<Float>
    ) {
        let count = Double(rows)
        let keep = 1 - momentum
        for j in 0..<features {
            inverseDeviation[j] = 1 / (variance[j] + epsilon).squareRoot()
            let unbiased = Double(variance[j]) * count / (count - 1)
            runningMean[j] = Float(momentum * Double(mean[j]) + keep * Double(runningMean[j]))
            runningVariance[j] = Float(momentum * unbiased + keep * Double(runningVariance[j]))
        }
    }

    /// mean ← running mean and inverseDeviation ← 1/√(running var + ε), per feature.
    func runningStatistics(mean: UnsafeMutablePointer<Float>, inverseDeviation: UnsafeMutablePointer<Float>) {
        for j in 0..<features {
            mean[j] = runningMean[j]
            inverseDeviation[j] = 1 / (runningVariance[j] + epsilon).squareRoot()
        }
    }

    /// Training: y ← weight·x̂ + bias with the batch's statistics or the running ones;
    /// stores x̂ (y may alias x).
    func forwardTraining(_ x: MatrixView, into y: MatrixView, workspace: Workspace, statistics: NormalisationStatistics = .batch) {
        switch statistics {
        case .batch: computeBatchStatistics(x, workspace: workspace)
        case .running: runningStatistics(mean: workspace.mean.base, inverseDeviation: workspace.inverseDeviation.base)
        }
        let mean = workspace.mean.base
        let inverseDeviation = workspace.inverseDeviation.base
        for r in 0..<x.rows {
            let input = x.row(r)
            let output = y.row(r)
            let normalized = workspace.normalized.base + r * features
            for j in 0..<features {
                let value = (input[j] - mean[j]) * inverseDeviation[j]
                normalized[j] = value
                output[j] = value * weight[j] + bias[j]
            }
        }
    }

    /// Evaluation: y ← weight·(x − running mean)/√(running var + ε) + bias (y may alias x).
    /// `scale` and `shift` are scratch of `features` elements.
    func forwardEvaluation(
        _ x: MatrixView, into y: MatrixView,
        scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>
    ) {
        evaluationAffine(scale: scale, shift: shift)
        for r in 0..<x.rows {
            let input = x.row(r)
            let output = y.row(r)
            for j in 0..<features {
                output[j] = input[j] * scale[j] + shift[j]
            }
        }
    }

    /// The evaluation transform as y = x·scale + shift per feature.
    func evaluationAffine(scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>) {
        for j in 0..<features {
            let factor = weight[j] / (runningVariance[j] + epsilon).squareRoot()
            scale[j] = factor
            shift[j] = bias[j] - runningMean[j] * factor
        }
    }

    /// Backward of the training forward pass: dweight ← Σ dy·x̂, dbias ← Σ dy (overwritten),
    /// and, when `inputGradient` is given,
    /// dx ← weight·invstd·(dy − Σdy/N − x̂·Σ(dy·x̂)/N) (dx may alias dy).
    func backward(_ dy: MatrixView, into dx: MatrixView?, workspace: Workspace) {
        let rows = dy.rows
        biasGradient.update(repeating: 0, count: features)
        weightGradient.update(repeating: 0, count: features)
        for r in 0..<rows {
            let gradient = dy.row(r)
            let normalized = workspace.normalized.base + r * features
            for j in 0..<features {
                biasGradient[j] += gradient[j]
                weightGradient[j] += gradient[j] * normalized[j]
            }
        }
        guard let dx else { return }
        let factor = workspace.scratch.base
        let meanGradient = workspace.scratch2.base
        let inverseRows = 1 / Float(rows)
        let inverseDeviation = workspace.inverseDeviation.base
        for j in 0..<features {
            factor[j] = weight[j] * inverseDeviation[j]
            meanGradient[j] = biasGradient[j] * inverseRows
        }
        for r in 0..<rows {
            let gradient = dy.row(r)
            let output = dx.row(r)
            let normalized = workspace.normalized.base + r * features
            for j in 0..<features {
                output[j] = factor[j] * (gradient[j] - meanGradient[j] - normalized[j] * weightGradient[j] * inverseRows)
            }
        }
    }
}
