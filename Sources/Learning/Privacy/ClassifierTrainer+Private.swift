import Foundation

/// DP-SGD in the trainer: Poisson-sampled batches, per-row clipping (`PrivateGradients`),
/// Gaussian noise on the clipped sum, then the configured optimizer, which only
/// post-processes the noisy gradient and so spends no privacy.
extension ClassifierTrainer {
    /// Trains for the configured epochs (each ⌈rows / batch size⌉ batches) or steps with
    /// DP-SGD, reporting after every batch as `train` does. A batch may hold no row: its
    /// gradient is the noise alone and it still counts as a step, as the accountant assumes.
    func trainPrivately(
        on data: TabularDataset, settings: DPSGDSettings, reference: FloatBuffer?, mu: Float,
        progress: (TrainingProgress) -> TrainingDecision
    ) -> TrainingSummary {
        let (batchesPerEpoch, rate) = DPSGDSettings.sampling(rows: data.rowCount, batchSize: hyperparameters.batchSize)
        let totalSteps = hyperparameters.steps ?? (batchesPerEpoch * (hyperparameters.epochs ?? 1))
        let expectedBatch = Double(data.rowCount) * rate
        var workspace = model.reserveWorkspace(rows: min(hyperparameters.batchSize, data.rowCount))
        var batch: [Int] = []
        batch.reserveCapacity(workspace.capacity)

        var summary = TrainingSummary(steps: 0, rows: 0, epochs: 0, meanLoss: 0, lastLoss: 0, stopped: false)
        var lossSum = 0.0
        while summary.steps < totalSteps {
            drawPoissonBatch(rows: data.rowCount, rate: rate, into: &batch)
            if batch.count > workspace.capacity { workspace = model.reserveWorkspace(rows: batch.count) }
            let gradients = model.store.gradients.base
            if batch.isEmpty {
                gradients.update(repeating: 0, count: model.store.trainableCount)
            } else {
                model.loadBatch(data, indices: batch, into: workspace)
                let loss = model.forwardTraining(rows: batch.count, workspace: workspace, generator: &dropoutGenerator, statistics: .running)
                model.backwardPerSample(rows: batch.count, workspace: workspace)
                summary.clippedRows += model.clipFactors(rows: batch.count, workspace: workspace, maxNorm: settings.maxGradNorm)
                model.accumulatePerSample(rows: batch.count, workspace: workspace)
                summary.lastLoss = loss
                lossSum += loss * Double(batch.count)
            }
            addNoise(to: gradients, count: model.store.trainableCount,
                     deviation: settings.noiseMultiplier * settings.maxGradNorm, divisor: expectedBatch)
            stepOptimizer(reference: reference, mu: mu)

            summary.steps += 1
            summary.rows += batch.count
            summary.epochs = (summary.steps + batchesPerEpoch - 1) / batchesPerEpoch
            let report = TrainingProgress(step: summary.steps, totalSteps: totalSteps, epoch: summary.epochs,
                                          loss: summary.lastLoss, rowsSeen: summary.rows)
            if progress(report) == .stop {
                summary.stopped = summary.steps < totalSteps
                break
            }
        }
        summary.meanLoss = summary.rows > 0 ? lossSum / Double(summary.rows) : 0
        return summary
    }

    /// Replaces `batch` with a Poisson sample of 0..<rows: each row on its own with
    /// probability `rate`, drawn by geometric skips (one draw per row taken, not per row).
    func drawPoissonBatch(rows: Int, rate: Double, into batch: inout [Int]) {
        batch.removeAll(keepingCapacity: true)
        if rate >= 1 {
            batch.append(contentsOf: 0..<rows)
            return
        }
        let logSkip = log1p(-rate)
        var next = -1.0
        while true {
            // The gap to the next row taken is geometric: ⌊ln u / ln(1 − q)⌋ rows skipped.
            let gap = (log(1 - privateRandom.nextDouble()) / logSkip).rounded(.down)
            next += 1 + gap
            guard next < Double(rows) else { return }
            batch.append(Int(next))
        }
    }

    /// gradientsᵢ ← (gradientsᵢ + N(0, deviation²)) / divisor, the noise from `privateRandom`,
    /// drawn 4,096 values at a time.
    func addNoise(to gradients: UnsafeMutablePointer<Float>, count: Int, deviation: Double, divisor: Double) {
        let scale = 1 / divisor
        let chunk = 4096
        withUnsafeTemporaryAllocation(of: Double.self, capacity: chunk) { noise in
            guard let normals = noise.baseAddress else { return }
            var start = 0
            while start < count {
                let length = min(chunk, count - start)
                privateRandom.fillNormals(normals, count: length)
                let values = gradients + start
                for i in 0..<length {
                    values[i] = Float((Double(values[i]) + deviation * normals[i]) * scale)
                }
                start += length
            }
        }
    }
}
