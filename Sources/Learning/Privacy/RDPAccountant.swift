import Foundation

/// The privacy a training has spent: (ε, δ)-differential privacy, and the Rényi order whose
/// bound gave that ε.
public struct PrivacySpent: Sendable, Equatable {
    /// ε; +∞ when no finite ε holds (a step without noise).
    public let epsilon: Double
    /// δ, as asked for.
    public let delta: Double
    /// The Rényi order α whose conversion gave the smallest ε.
    public let order: Double

    public init(epsilon: Double, delta: Double, order: Double) {
        self.epsilon = epsilon
        self.delta = delta
        self.order = order
    }
}

/// Rényi differential privacy (RDP) accounting of DP-SGD: steps of the Poisson-subsampled
/// Gaussian mechanism (each row joins a batch with probability q, clipped gradients get
/// Gaussian noise σ·C), composed over a training, converted to (ε, δ).
///
/// It computes what Google's `dp_accounting` `RdpAccountant` computes for
/// `SelfComposedDpEvent(PoissonSampledDpEvent(q, GaussianDpEvent(σ)), steps)`, with the same
/// default orders and the same RDP → (ε, δ) conversion (Balle et al. 2020, Proposition 12),
/// and is checked against it (`scripts/check-dp-accounting`). RDP adds up under composition,
/// so segments of a training with different q or σ compose one after another.
///
/// A pure value: no clock, no randomness, no I/O.
public struct RDPAccountant: Sendable {
    /// `dp_accounting`'s `DEFAULT_RDP_ORDERS`: 1.1, 1.2, …, 10.9, then 11 to 63, then 128,
    /// 256, 512 and 1024.
    public static let defaultOrders: [Double] = {
        let fractional: [Double] = (1..<100).map { (x: Int) -> Double in 1 + Double(x) / 10 }
        let whole: [Double] = (11..<64).map { (x: Int) -> Double in Double(x) }
        return fractional + whole + [128, 256, 512, 1024]
    }()

    /// The largest Rényi order an accountant takes: a whole-number order α costs α + 1 terms
    /// per step composed.
    public static let largestOrder: Double = 10_000

    /// The largest noise multiplier `noiseMultiplier(epsilon:…)` tries before it gives up, as
    /// Opacus's `get_noise_multiplier` does.
    public static let largestNoiseMultiplier: Double = 1e6

    /// The Rényi orders α at which the RDP is tracked.
    public let orders: [Double]
    /// The RDP ε(α) of everything composed so far, one per order.
    public private(set) var rdp: [Double]

    /// An accountant with `defaultOrders` and nothing spent.
    public init() {
        orders = Self.defaultOrders
        rdp = Array(repeating: 0, count: orders.count)
    }

    /// An accountant tracking `orders` (each above 1 and at most `largestOrder`), nothing spent.
    public init(orders: [Double]) throws(LearningError) {
        guard !orders.isEmpty else { throw .invalidRenyiOrders("no orders were given") }
        for order in orders where !(order > 1 && order <= Self.largestOrder) {
            throw .invalidRenyiOrders("order \(order) is outside (1, \(Int(Self.largestOrder))]")
        }
        self.orders = orders
        rdp = Array(repeating: 0, count: orders.count)
    }

    /// Adds `steps` steps that each sample rows with probability `samplingRate` and add
    /// Gaussian noise with `noiseMultiplier` (σ = 0 means no noise: ε becomes +∞; σ = +∞
    /// means no release: nothing is spent).
    public mutating func compose(samplingRate: Double, noiseMultiplier: Double, steps: Int) throws(LearningError) {
        try Self.validate(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, steps: steps)
        guard steps > 0 else { return }
        let count = Double(steps)
        for index in orders.indices {
            let perStep = SubsampledGaussianRDP.rdp(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, order: orders[index])
            rdp[index] += count * perStep
        }
    }

    /// The smallest ε over the orders for which everything composed so far is (ε, δ)-DP.
    public func epsilon(delta: Double) throws(LearningError) -> PrivacySpent {
        guard delta > 0 && delta < 1 else { throw .invalidDelta(delta) }
        // The first order of the smallest ε, as numpy's argmin picks it (the first order when
        // every ε is infinite).
        var best = (epsilon: Double.infinity, order: orders[0])
        for (order, r) in zip(orders, rdp) {
            let epsilon = Self.epsilon(order: order, rdp: r, delta: delta)
            if epsilon < best.epsilon { best = (epsilon, order) }
        }
        return PrivacySpent(epsilon: max(0, best.epsilon), delta: delta, order: best.order)
    }

    /// ε after `steps` steps at one sampling rate and noise multiplier, from a fresh accountant.
    public static func epsilon(samplingRate: Double, noiseMultiplier: Double, steps: Int, delta: Double,
                               orders: [Double] = defaultOrders) throws(LearningError) -> PrivacySpent {
        var accountant = try RDPAccountant(orders: orders)
        try accountant.compose(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, steps: steps)
        return try accountant.epsilon(delta: delta)
    }

    /// The smallest noise multiplier σ whose ε after `steps` steps at `samplingRate` is at most
    /// `epsilon` for `delta`, to a relative precision of 10⁻⁷: the value returned meets the
    /// target, and σ·(1 − 10⁻⁷) does not. Found by doubling or halving from σ = 1 until the
    /// target lies between two values, then by bisection of log σ, as Opacus's
    /// `get_noise_multiplier` brackets and bisects (it stops at an ε within 0.01 instead).
    ///
    /// 0 when nothing is spent whatever σ is (q = 0 or no steps). Throws when no σ up to
    /// `largestNoiseMultiplier` reaches the target.
    public static func noiseMultiplier(epsilon target: Double, delta: Double, samplingRate: Double, steps: Int,
                                       orders: [Double] = defaultOrders) throws(LearningError) -> Double {
        try validate(samplingRate: samplingRate, noiseMultiplier: 1, steps: steps)
        guard target >= 0 && target.isFinite else { throw .invalidEpsilonTarget(target) }
        guard delta > 0 && delta < 1 else { throw .invalidDelta(delta) }
        if samplingRate == 0 || steps == 0 { return 0 }
        func epsilon(at sigma: Double) throws(LearningError) -> Double {
            try Self.epsilon(samplingRate: samplingRate, noiseMultiplier: sigma, steps: steps, delta: delta, orders: orders).epsilon
        }

        // Bracket: low misses the target, high meets it.
        var low = 1.0
        var high = 1.0
        if try epsilon(at: 1) <= target {
            while true {
                low /= 2
                if try epsilon(at: low) > target { break }
                high = low
                // ε grows without bound as σ falls, so only an absurd target gets here.
                if low < 1e-12 { throw .epsilonTargetTooLarge(target) }
            }
        } else {
            while true {
                high *= 2
                if high > largestNoiseMultiplier {
                    let reached = try epsilon(at: largestNoiseMultiplier)
                    guard reached <= target else {
                        throw .unreachableEpsilon(target: target, delta: delta, largestNoiseMultiplier: largestNoiseMultiplier, reached: reached)
                    }
                    high = largestNoiseMultiplier
                    break
                }
                if try epsilon(at: high) <= target { break }
                low = high
            }
        }
        while high > low * (1 + 1e-7) {
            let middle = (low * high).squareRoot()
            guard middle > low && middle < high else { break }
            if try epsilon(at: middle) <= target { high = middle } else { low = middle }
        }
        return high
    }

    /// One order's ε for `delta`, as `dp_accounting`'s `compute_epsilon`: 0 where the KL bound
    /// δ ≤ √(1 − e^(−ρ)) already holds, else ρ + log(1 − 1/α) − log(δα)/(α − 1).
    static func epsilon(order alpha: Double, rdp r: Double, delta: Double) -> Double {
        if r < 0 { return 0 }  // only from rounding at extreme settings; dp_accounting returns 0 too
        if delta * delta + expm1(-r) > 0 { return 0 }
        if alpha > 1.01 { return r + log1p(-1 / alpha) - log(delta * alpha) / (alpha - 1) }
        return .infinity  // the bound is unstable this close to α = 1
    }

    private static func validate(samplingRate: Double, noiseMultiplier: Double, steps: Int) throws(LearningError) {
        guard samplingRate >= 0 && samplingRate <= 1 else { throw .invalidSamplingRate(samplingRate) }
        guard noiseMultiplier >= 0 && !noiseMultiplier.isNaN else { throw .invalidNoiseMultiplier(noiseMultiplier) }
        guard steps >= 0 else { throw .negativeSteps(steps) }
    }
}
