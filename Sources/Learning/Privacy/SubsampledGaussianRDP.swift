import Foundation

/// The Rényi differential privacy of one step of the Poisson-subsampled Gaussian mechanism:
/// each row joins the batch with probability q, the batch's clipped gradients are summed and
/// Gaussian noise of standard deviation σ·C is added.
///
/// The math follows Google's `dp_accounting` (`rdp_privacy_accountant.py`,
/// `_compute_rdp_poisson_subsampled_gaussian`) term for term, so that bf's epsilons agree with
/// it: ε(α) = log(A_α) / (α − 1), with A_α a binomial sum for integer orders (Mironov, Talwar
/// and Zhang 2019, section 3.2) and a two-sided series of erfc terms for fractional ones
/// (section 3.3), all in log space. Everything here is a pure function of its arguments.
enum SubsampledGaussianRDP {
    /// The series for a fractional order gives up after this many terms and the order is left
    /// out (its RDP is +∞), as `dp_accounting` does.
    static let maximumFractionalTerms = 1000

    /// The RDP of one step at `order`: 0 when q = 0 or σ = +∞, +∞ when σ = 0 or the order is
    /// infinite, α/(2σ²) when q = 1 (the plain Gaussian mechanism).
    ///
    /// - Precondition: 0 ≤ q ≤ 1, σ ≥ 0, 1 < order ≤ `RDPAccountant.largestOrder` (checked by
    ///   `RDPAccountant`).
    static func rdp(samplingRate q: Double, noiseMultiplier sigma: Double, order alpha: Double) -> Double {
        if q == 0 || sigma == .infinity { return 0 }
        if alpha.isInfinite || sigma == 0 { return .infinity }
        if q == 1 { return alpha / (2 * sigma * sigma) }
        return logA(samplingRate: q, noiseMultiplier: sigma, order: alpha) / (alpha - 1)
    }

    /// log(A_α) for 0 < q < 1: the binomial sum for a whole-number order, the series otherwise.
    static func logA(samplingRate q: Double, noiseMultiplier sigma: Double, order alpha: Double) -> Double {
        if alpha == alpha.rounded() {
            return logAWholeOrder(samplingRate: q, noiseMultiplier: sigma, order: Int(alpha))
        }
        return logAFractionalOrder(samplingRate: q, noiseMultiplier: sigma, order: alpha)
    }

    /// log Σᵢ₌₀^α C(α, i) qⁱ (1 − q)^(α−i) e^((i² − i)/(2σ²)), summed in log space.
    static func logAWholeOrder(samplingRate q: Double, noiseMultiplier sigma: Double, order alpha: Int) -> Double {
        var logA = -Double.infinity
        let logQ = log(q)
        let log1MinusQ = log1p(-q)
        let twoSigmaSquared = 2 * (sigma * sigma)
        let a = Double(alpha)
        for index in 0...alpha {
            let i = Double(index)
            let logCoefficient = logBinomial(a, i) + i * logQ + (a - i) * log1MinusQ
            logA = logAdd(logA, logCoefficient + (i * i - i) / twoSigmaSquared)
        }
        return logA
    }

    /// log(A_α) for a fractional α: the integrals of A_α over (−∞, z₀] and [z₀, ∞) as two
    /// series, summed until both terms fall and lie 30 nats below the total; +∞ when they have
    /// not after `maximumFractionalTerms` terms.
    static func logAFractionalOrder(samplingRate q: Double, noiseMultiplier sigma: Double, order alpha: Double) -> Double {
        var logA0 = -Double.infinity
        var logA1 = -Double.infinity
        let sigmaSquared = sigma * sigma
        let z0 = sigmaSquared * log(1 / q - 1) + 0.5
        let logQ = log(q)
        let log1MinusQ = log1p(-q)
        let logHalf = log(0.5)
        let erfcScale = 2.0.squareRoot() * sigma
        var lastS0 = -Double.infinity
        var lastS1 = -Double.infinity
        for index in 0..<maximumFractionalTerms {
            let i = Double(index)
            let logCoefficient = logBinomial(alpha, i)
            let j = alpha - i
            let logT0 = logCoefficient + i * logQ + j * log1MinusQ
            let logT1 = logCoefficient + j * logQ + i * log1MinusQ
            let logE0 = logHalf + logErfc((i - z0) / erfcScale)
            let logE1 = logHalf + logErfc((z0 - j) / erfcScale)
            let logS0 = logT0 + (i * i - i) / (2 * sigmaSquared) + logE0
            let logS1 = logT1 + (j * j - j) / (2 * sigmaSquared) + logE1
            logA0 = logAdd(logA0, logS0)
            logA1 = logAdd(logA1, logS1)
            let total = logAdd(logA0, logA1)
            if logS0 < lastS0 && logS1 < lastS1 && max(logS0, logS1) < total - 30 {
                return total
            }
            lastS0 = logS0
            lastS1 = logS1
        }
        return .infinity
    }

    /// log(eˣ + eʸ) without leaving log space.
    static func logAdd(_ x: Double, _ y: Double) -> Double {
        let (low, high) = x < y ? (x, y) : (y, x)
        if low == -.infinity { return high }
        return log1p(exp(low - high)) + high
    }

    /// log |C(n, k)| through log-gamma, for real n and k (the series needs k > n too, where
    /// Γ(n − k + 1) is negative: its magnitude is what `scipy.special.gammaln` gives, as here).
    static func logBinomial(_ n: Double, _ k: Double) -> Double {
        logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1)
    }

    /// log |Γ(x)|, by the reentrant C function (plain `lgamma` writes the global `signgam`).
    static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// log(erfc(x)), accurate where erfc(x) underflows: above x = 25 (erfc(25) ≈ 8·10⁻²⁷⁴,
    /// still a normal Double) by the asymptotic series
    /// erfc(x) = e^(−x²) / (x√π) · Σₙ (−1)ⁿ (2n − 1)!! / (2x²)ⁿ, whose terms there fall by a
    /// factor of 600 or more, so ten of them reach Double's precision.
    static func logErfc(_ x: Double) -> Double {
        if x <= 25 { return log(erfc(x)) }
        if x == .infinity { return -.infinity }
        let inverseTwoXSquared = 1 / (2 * x * x)
        var term = 1.0
        var sum = 1.0
        for n in 1...10 {
            term *= -Double(2 * n - 1) * inverseTwoXSquared
            sum += term
        }
        return -x * x - log(x) - 0.5 * log(Double.pi) + log(sum)
    }
}
