/// The settings of differentially private training (DP-SGD, Abadi et al. 2016): every row's
/// gradient is clipped to norm `maxGradNorm` (C), and Gaussian noise of standard deviation
/// `noiseMultiplier`·C is added to each batch's sum of clipped gradients before it is
/// divided by the expected batch size.
///
/// Batches are Poisson samples, as the accountant assumes: each row joins each batch on its
/// own with probability q, so a batch's size varies and may be zero. As Opacus's
/// `DPDataLoader` does, an epoch is ⌈rows / batch size⌉ batches and q is one over that.
public struct DPSGDSettings: Sendable, Codable, Hashable {
    /// C, the largest norm a row's gradient keeps.
    public var maxGradNorm: Double
    /// σ, the noise's standard deviation as a multiple of C.
    public var noiseMultiplier: Double

    /// Settings for clipping at `maxGradNorm` with noise multiplier `noiseMultiplier`.
    public init(maxGradNorm: Double, noiseMultiplier: Double) {
        self.maxGradNorm = maxGradNorm
        self.noiseMultiplier = noiseMultiplier
    }

    /// The batches of an epoch over `rows` rows and the probability q that a row joins a
    /// batch, for a nominal batch size of `batchSize` (both at least 1).
    public static func sampling(rows: Int, batchSize: Int) -> (batchesPerEpoch: Int, rate: Double) {
        let batches = max(1, (rows + batchSize - 1) / max(batchSize, 1))
        return (batches, 1 / Double(batches))
    }

    /// Throws unless C is positive and finite and σ is at least 0 and finite.
    func validate() throws(LearningError) {
        guard maxGradNorm.isFinite, maxGradNorm > 0 else {
            throw .invalidPrivacySetting(name: "max_grad_norm", value: maxGradNorm, requirement: "a finite number above 0")
        }
        guard noiseMultiplier.isFinite, noiseMultiplier >= 0 else {
            throw .invalidPrivacySetting(name: "noise_multiplier", value: noiseMultiplier, requirement: "a finite number at least 0")
        }
    }
}
