/// DP-SGD's gradient of a batch: every row's gradient clipped to a maximum norm, then summed,
/// without ever forming a row's gradient.
///
/// The batch norms run on their running statistics (`NormalisationStatistics.running`), so
/// each row's loss depends on that row alone and its gradient is a per-sample quantity.
/// Opacus replaces batch norm by group norm instead; on a tabular network's 1-D features
/// `GroupNorm(min(32, C), C)` normalises groups of one value or a few, which zeroes them or
/// nearly, and would change the model's tensors. Freezing the statistics keeps the model
/// file, the evaluation path and the meaning of every tensor: the affine weight and bias
/// still train, per sample.
///
/// Two passes ("ghost clipping", as in Li et al. 2022 and Bu et al. 2023):
/// 1. `backwardPerSample` propagates each row's own loss gradient (not averaged) to every
///    layer's output and adds up each row's squared gradient norm from those alone. For a
///    Linear layer fed one vector per row, row r's weight gradient is the outer product
///    dyᵣ ⊗ xᵣ, whose squared norm is ‖dyᵣ‖²·‖xᵣ‖²; its bias gradient is dyᵣ. A row touches
///    one embedding row per column, with gradient its slice of dL/d embeddings. The batch
///    norms' weight and bias gradients are dyᵣ ⊙ x̂ᵣ and dyᵣ.
/// 2. `accumulatePerSample` scales each row's stored output gradients by its factor and
///    runs the usual batched products, giving Σᵣ factorᵣ·gradientᵣ in the gradient buffers.
///
/// The cost is one backward pass and a few passes over the activations; no batch-of-one
/// pass and no per-row gradient in memory.
extension TabularClassifier {
    /// Pass one, after `forwardTraining(rows:…, statistics: .running)`: fills
    /// `workspace.sampleNorms` with each row's squared gradient norm over every trainable
    /// tensor and keeps each layer's output gradients for pass two. Writes no parameter
    /// gradient.
    func backwardPerSample(rows: Int, workspace: ClassifierWorkspace) {
        let norms = workspace.sampleNorms.base
        norms.update(repeating: 0, count: rows)
        let classCount = layout.classCount
        let probabilities = workspace.logits.base
        let logitGradient = MatrixView(workspace.logitGradient.base, rows: rows, columns: classCount)
        for r in 0..<rows {
            let g = logitGradient.row(r)
            for k in 0..<classCount { g[k] = probabilities[r * classCount + k] }
            g[Int(workspace.labels.base[r])] -= 1
        }

        let firstInput = MatrixView(workspace.input.base, rows: rows, columns: inputConcatenation.width)
        let firstInputGradient = MatrixView(workspace.inputGradient.base, rows: rows, columns: inputConcatenation.width)
        func input(of index: Int) -> MatrixView {
            index == 0 ? firstInput : blocks[index - 1].output(workspace.blocks[index - 1], rows: rows)
        }
        func inputGradient(of index: Int) -> MatrixView {
            index == 0 ? firstInputGradient
                : MatrixView(workspace.blocks[index - 1].outputGradient.base, rows: rows, columns: blocks[index - 1].width)
        }
        output.addPerSampleNorms(input: input(of: blocks.count), outputGradient: logitGradient, into: norms)
        output.inputBackward(outputGradient: logitGradient, into: inputGradient(of: blocks.count))
        for index in stride(from: blocks.count - 1, through: 0, by: -1) {
            blocks[index].backwardPerSample(
                input: input(of: index), workspace: workspace.blocks[index], inputGradient: inputGradient(of: index), norms: norms)
        }

        let embeddedGradient = MatrixView(workspace.embeddedGradient.base, rows: rows, columns: embeddingWidth)
        let continuousGradient = MatrixView(workspace.continuousGradient.base, rows: rows, columns: layout.continuousCount)
        inputConcatenation.backward(firstInputGradient, into: [embeddedGradient, continuousGradient])
        if embeddingWidth > 0 {
            embeddingDropout.backward(embeddedGradient, mask: workspace.embeddingMask.base, into: embeddedGradient)
            for r in 0..<rows { norms[r] += Self.squaredNorm(embeddedGradient.row(r), count: embeddingWidth) }
        }
        if continuousNorm != nil {
            let normalized = workspace.continuousNorm.normalized.base
            let features = layout.continuousCount
            for r in 0..<rows {
                let g = continuousGradient.row(r)
                let xhat = normalized + r * features
                var sum: Float = 0
                for j in 0..<features { sum += g[j] * g[j] * (1 + xhat[j] * xhat[j]) }
                norms[r] += sum
            }
        }
    }

    /// Turns the squared norms in `workspace.sampleNorms` into clipping factors,
    /// min(1, maxNorm / (‖gᵣ‖ + 10⁻⁶)) as Opacus computes them, and returns how many rows
    /// were clipped (factor below 1).
    func clipFactors(rows: Int, workspace: ClassifierWorkspace, maxNorm: Double) -> Int {
        let values = workspace.sampleNorms.base
        var clipped = 0
        for r in 0..<rows {
            let factor = maxNorm / (Double(values[r]).squareRoot() + 1e-6)
            if factor < 1 { clipped += 1 }
            values[r] = Float(min(1, factor))
        }
        return clipped
    }

    /// Pass two: every trainable gradient ← Σᵣ factorᵣ·(row r's gradient), the factors read
    /// from `workspace.sampleNorms`. Consumes the output gradients pass one kept.
    func accumulatePerSample(rows: Int, workspace: ClassifierWorkspace) {
        let factors = workspace.sampleNorms.base
        func input(of index: Int) -> MatrixView {
            index == 0 ? MatrixView(workspace.input.base, rows: rows, columns: inputConcatenation.width)
                : blocks[index - 1].output(workspace.blocks[index - 1], rows: rows)
        }
        let logitGradient = MatrixView(workspace.logitGradient.base, rows: rows, columns: layout.classCount)
        Self.scaleRows(logitGradient, by: factors)
        output.backward(input: input(of: blocks.count), outputGradient: logitGradient, inputGradient: nil)
        for (index, block) in blocks.enumerated() {
            block.accumulatePerSample(input: input(of: index), workspace: workspace.blocks[index], factors: factors)
        }
        let embeddedGradient = MatrixView(workspace.embeddedGradient.base, rows: rows, columns: embeddingWidth)
        Self.scaleRows(embeddedGradient, by: factors)
        for (index, embedding) in embeddings.enumerated() {
            embedding.backward(
                codes: workspace.codes.base + index, codeStride: layout.categoricalCount,
                outputGradient: embeddingBlocks.block(index, of: embeddedGradient))
        }
        if let continuousNorm {
            let continuousGradient = MatrixView(workspace.continuousGradient.base, rows: rows, columns: layout.continuousCount)
            Self.scaleRows(continuousGradient, by: factors)
            continuousNorm.backward(continuousGradient, into: nil, workspace: workspace.continuousNorm)
        }
    }

    /// Row r of `matrix` ← factorᵣ·row r.
    static func scaleRows(_ matrix: MatrixView, by factors: UnsafePointer<Float>) {
        for r in 0..<matrix.rows {
            let row = matrix.row(r)
            let factor = factors[r]
            for j in 0..<matrix.columns { row[j] *= factor }
        }
    }

    /// Σ xⱼ² over `count` values.
    static func squaredNorm(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Float = 0
        for j in 0..<count { sum += x[j] * x[j] }
        return sum
    }
}

extension Linear {
    /// normsᵣ += ‖dyᵣ‖²·(1 + ‖xᵣ‖²): row r's squared gradient norm over the weight
    /// (dyᵣ ⊗ xᵣ) and the bias (dyᵣ).
    func addPerSampleNorms(input x: MatrixView, outputGradient dy: MatrixView, into norms: UnsafeMutablePointer<Float>) {
        for r in 0..<x.rows {
            let outputNorm = TabularClassifier.squaredNorm(dy.row(r), count: outputs)
            norms[r] += outputNorm * (1 + TabularClassifier.squaredNorm(x.row(r), count: inputs))
        }
    }
}

extension HiddenBlock {
    /// Pass one of `PrivateGradients` for this block, after a forward pass on the running
    /// statistics, with row r's dL/d output in `workspace.outputGradient`: leaves dL/d(the
    /// batch norm's output) in `workspace.mask` (the mask is spent) and dL/dz in
    /// `workspace.outputGradient`, adds each row's squared gradient norm over the block's four
    /// tensors to `norms`, and writes dL/d input when asked.
    func backwardPerSample(input: MatrixView, workspace: Workspace, inputGradient: MatrixView?, norms: UnsafeMutablePointer<Float>) {
        let rows = input.rows
        let columns = width
        let gradient = workspace.outputGradient.base
        let mask = workspace.mask.base
        let normalized = workspace.activation.base
        let derivative = workspace.derivative.base
        let gamma = norm.weight
        let inverseDeviation = workspace.inverseDeviation.base
        for r in 0..<rows {
            let g = gradient + r * columns
            let m = mask + r * columns
            let xhat = normalized + r * columns
            let slope = derivative + r * columns
            var affineNorm: Float = 0
            var preActivationNorm: Float = 0
            for j in 0..<columns {
                let masked = g[j] * m[j]
                m[j] = masked
                let weighted = masked * xhat[j]
                affineNorm += masked * masked + weighted * weighted
                let dz = masked * gamma[j] * inverseDeviation[j] * slope[j]
                g[j] = dz
                preActivationNorm += dz * dz
            }
            let inputNorm = TabularClassifier.squaredNorm(input.row(r), count: input.columns)
            norms[r] += affineNorm + preActivationNorm * (1 + inputNorm)
        }
        if let inputGradient {
            linear.inputBackward(outputGradient: MatrixView(gradient, rows: rows, columns: columns), into: inputGradient)
        }
    }

    /// Pass two for this block: its four gradients ← Σᵣ factorᵣ·(row r's gradient).
    func accumulatePerSample(input: MatrixView, workspace: Workspace, factors: UnsafePointer<Float>) {
        let rows = input.rows
        let columns = width
        let gradient = workspace.outputGradient.base
        let masked = workspace.mask.base
        let normalized = workspace.activation.base
        let betaGradient = norm.biasGradient
        let gammaGradient = norm.weightGradient
        let biasGradient = linear.biasGradient
        betaGradient.update(repeating: 0, count: columns)
        gammaGradient.update(repeating: 0, count: columns)
        biasGradient.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let factor = factors[r]
            let g = gradient + r * columns
            let m = masked + r * columns
            let xhat = normalized + r * columns
            for j in 0..<columns {
                let scaled = m[j] * factor
                betaGradient[j] += scaled
                gammaGradient[j] += scaled * xhat[j]
                g[j] *= factor
                biasGradient[j] += g[j]
            }
        }
        linear.weightBackward(input: input, outputGradient: MatrixView(gradient, rows: rows, columns: columns), inputGradient: nil)
    }
}
