import Foundation
import XCTest
@testable import Learning

/// The differential-privacy accountant against values computed by hand, its own laws
/// (composition adds, ε falls with noise and grows with steps), and a table from Google's
/// `dp_accounting`. The full grid comparison with `dp_accounting` runs in
/// `scripts/check-dp-accounting`.
final class RDPAccountantTests: XCTestCase {
    /// (q, σ, steps, δ, ε, order) from `dp_accounting` 0.6.0's `RdpAccountant` with its default
    /// orders, composing `SelfComposedDpEvent(PoissonSampledDpEvent(q, GaussianDpEvent(σ)),
    /// steps)`; printed by `scripts/check-dp-accounting --table`. The row at q = 0.2, σ = 0.5
    /// has orders 1.1 to 1.6 left out: their series does not converge in 1000 terms.
    let dpAccountingTable: [(Double, Double, Int, Double, Double, Double)] = [
        (0.01, 1.1, 10000, 1e-05, 5.632010670081592, 4.7),
        (0.001, 0.8, 100, 1e-05, 1.082100438636862, 8.9),
        (0.05, 2.0, 10000, 1e-07, 17.90912416583152, 3.0),
        (0.2, 0.5, 100, 1e-05, 79.83702160811595, 1.7),
        (1.0, 5.0, 1, 1e-05, 0.794522032537103, 22.0),
        (0.004266666666666667, 1.1, 14062, 1e-05, 2.5965558697943036, 8.1),
        (0.01, 0.5, 1, 1e-07, 6.251676338200192, 3.6),
        (0.001, 5.0, 10000, 1e-05, 0.07086066620056532, 128.0),
    ]

    func testAgreesWithDPAccounting() throws {
        for (q, sigma, steps, delta, epsilon, order) in dpAccountingTable {
            let spent = try RDPAccountant.epsilon(samplingRate: q, noiseMultiplier: sigma, steps: steps, delta: delta)
            XCTAssertEqual(spent.epsilon, epsilon, accuracy: epsilon * 1e-9, "q \(q) sigma \(sigma) steps \(steps) delta \(delta)")
            XCTAssertEqual(spent.order, order, "q \(q) sigma \(sigma) steps \(steps) delta \(delta)")
            XCTAssertEqual(spent.delta, delta)
        }
    }

    func testDefaultOrdersAreDPAccountings() {
        let orders = RDPAccountant.defaultOrders
        XCTAssertEqual(orders.count, 99 + 53 + 4)
        XCTAssertEqual(Array(orders.prefix(3)), [1.1, 1.2, 1.3])
        XCTAssertEqual(orders[98], 10.9)
        XCTAssertEqual(Array(orders[99...101]), [11, 12, 13])
        XCTAssertEqual(Array(orders.suffix(5)), [63, 128, 256, 512, 1024])
    }

    func testFullBatchIsThePlainGaussianMechanism() throws {
        // q = 1: every step is the Gaussian mechanism, whose RDP at α is α / (2σ²).
        var accountant = RDPAccountant()
        try accountant.compose(samplingRate: 1, noiseMultiplier: 2, steps: 3)
        for (order, rdp) in zip(accountant.orders, accountant.rdp) {
            XCTAssertEqual(rdp, 3 * (order / 8), "order \(order)")
        }
        // With one order the conversion is ρ + log(1 − 1/α) − log(δα)/(α − 1).
        var single = try RDPAccountant(orders: [4])
        try single.compose(samplingRate: 1, noiseMultiplier: 2, steps: 1)
        let spent = try single.epsilon(delta: 1e-5)
        XCTAssertEqual(spent.epsilon, 0.5 + log(0.75) - log(4e-5) / 3, accuracy: 1e-12)
        XCTAssertEqual(spent.order, 4)
    }

    func testWholeOrderByHand() throws {
        // α = 2, q = ½, σ = 1: A₂ = (1 − q)² + 2q(1 − q) + q²·e^((4 − 2)/2) = ¾ + ¼e, ε(2) = log A₂.
        var accountant = try RDPAccountant(orders: [2])
        try accountant.compose(samplingRate: 0.5, noiseMultiplier: 1, steps: 1)
        XCTAssertEqual(accountant.rdp[0], log(0.75 + 0.25 * M_E), accuracy: 1e-14)
        // α = 3: A₃ = (1 − q)³ + 3q(1 − q)² + 3q²(1 − q)·e + q³·e³, ε(3) = log A₃ / 2.
        var three = try RDPAccountant(orders: [3])
        try three.compose(samplingRate: 0.5, noiseMultiplier: 1, steps: 2)
        let a3 = 0.125 + 0.375 + 0.375 * M_E + 0.125 * exp(3)
        XCTAssertEqual(three.rdp[0], 2 * log(a3) / 2, accuracy: 1e-13)
    }

    func testFractionalOrderLiesBetweenItsWholeNeighbours() throws {
        // RDP is non-decreasing in α, so the series at 2.5 falls between the sums at 2 and 3.
        var accountant = try RDPAccountant(orders: [2, 2.5, 3])
        try accountant.compose(samplingRate: 0.1, noiseMultiplier: 1.3, steps: 1)
        XCTAssertLessThan(accountant.rdp[0], accountant.rdp[1])
        XCTAssertLessThan(accountant.rdp[1], accountant.rdp[2])
        // As the fractional order nears a whole one, the series nears the binomial sum.
        var near = try RDPAccountant(orders: [3 - 1e-9, 3])
        try near.compose(samplingRate: 0.1, noiseMultiplier: 1.3, steps: 1)
        XCTAssertEqual(near.rdp[0], near.rdp[1], accuracy: near.rdp[1] * 1e-6)
    }

    func testEpsilonGrowsWithStepsAndFallsWithNoise() throws {
        var previous = 0.0
        for steps in [1, 10, 100, 1000, 10000] {
            let epsilon = try RDPAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 1.1, steps: steps, delta: 1e-5).epsilon
            XCTAssertGreaterThan(epsilon, previous, "steps \(steps)")
            previous = epsilon
        }
        previous = .infinity
        for sigma in [0.5, 0.8, 1.1, 2, 5, 20] {
            let epsilon = try RDPAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: sigma, steps: 1000, delta: 1e-5).epsilon
            XCTAssertLessThan(epsilon, previous, "sigma \(sigma)")
            previous = epsilon
        }
        // A smaller delta costs more epsilon; a higher sampling rate too.
        let loose = try RDPAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 1, steps: 100, delta: 1e-5).epsilon
        let tight = try RDPAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 1, steps: 100, delta: 1e-7).epsilon
        let denser = try RDPAccountant.epsilon(samplingRate: 0.02, noiseMultiplier: 1, steps: 100, delta: 1e-5).epsilon
        XCTAssertLessThan(loose, tight)
        XCTAssertLessThan(loose, denser)
    }

    func testSegmentsCompose() throws {
        var split = RDPAccountant()
        try split.compose(samplingRate: 0.02, noiseMultiplier: 1.3, steps: 300)
        try split.compose(samplingRate: 0.02, noiseMultiplier: 1.3, steps: 700)
        var whole = RDPAccountant()
        try whole.compose(samplingRate: 0.02, noiseMultiplier: 1.3, steps: 1000)
        for (a, b) in zip(split.rdp, whole.rdp) {
            XCTAssertEqual(a, b, accuracy: b * 1e-12)
        }
        XCTAssertEqual(try split.epsilon(delta: 1e-5).epsilon, try whole.epsilon(delta: 1e-5).epsilon, accuracy: 1e-10)

        // Different segments add their RDP order by order.
        var mixed = RDPAccountant()
        try mixed.compose(samplingRate: 0.01, noiseMultiplier: 1.1, steps: 500)
        try mixed.compose(samplingRate: 0.05, noiseMultiplier: 2, steps: 200)
        var first = RDPAccountant()
        try first.compose(samplingRate: 0.01, noiseMultiplier: 1.1, steps: 500)
        var second = RDPAccountant()
        try second.compose(samplingRate: 0.05, noiseMultiplier: 2, steps: 200)
        for index in mixed.rdp.indices {
            XCTAssertEqual(mixed.rdp[index], first.rdp[index] + second.rdp[index], accuracy: mixed.rdp[index] * 1e-12)
        }
        let both = try mixed.epsilon(delta: 1e-5).epsilon
        XCTAssertGreaterThan(both, try first.epsilon(delta: 1e-5).epsilon)
        XCTAssertGreaterThan(both, try second.epsilon(delta: 1e-5).epsilon)
    }

    func testSpecialCases() throws {
        // No sampling, no steps or infinite noise: nothing is spent.
        XCTAssertEqual(try RDPAccountant.epsilon(samplingRate: 0, noiseMultiplier: 0, steps: 100, delta: 1e-5).epsilon, 0)
        XCTAssertEqual(try RDPAccountant.epsilon(samplingRate: 0.5, noiseMultiplier: 0, steps: 0, delta: 1e-5).epsilon, 0)
        XCTAssertEqual(try RDPAccountant.epsilon(samplingRate: 0.5, noiseMultiplier: .infinity, steps: 100, delta: 1e-5).epsilon, 0)
        XCTAssertEqual(try RDPAccountant.epsilon(samplingRate: 1, noiseMultiplier: .infinity, steps: 100, delta: 1e-5).epsilon, 0)
        // No noise: no finite epsilon, reported at the first order as dp_accounting does.
        let unbounded = try RDPAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 0, steps: 1, delta: 1e-5)
        XCTAssertEqual(unbounded.epsilon, .infinity)
        XCTAssertEqual(unbounded.order, 1.1)
        // So little spent that the KL bound δ ≥ √(1 − e^(−ρ)) gives epsilon 0.
        XCTAssertEqual(try RDPAccountant.epsilon(samplingRate: 1e-6, noiseMultiplier: 100, steps: 1, delta: 1e-3).epsilon, 0)
    }

    func testExtremeSettingsStayFinite() throws {
        // σ = 0.1 with orders up to 1024 and ten million steps: large but finite, never NaN.
        for q in [1e-4, 0.01, 0.5, 0.999, 1] {
            var accountant = RDPAccountant()
            try accountant.compose(samplingRate: q, noiseMultiplier: 0.1, steps: 10_000_000)
            XCTAssertFalse(accountant.rdp.contains { $0.isNaN }, "q \(q)")
            let spent = try accountant.epsilon(delta: 1e-5)
            XCTAssertTrue(spent.epsilon.isFinite && spent.epsilon > 0, "q \(q): \(spent.epsilon)")
        }
        let large = try RDPAccountant.epsilon(samplingRate: 0.001, noiseMultiplier: 50, steps: 10_000_000, delta: 1e-9)
        XCTAssertTrue(large.epsilon.isFinite && large.epsilon > 0)
    }

    func testLogErfcTailMatchesErfc() {
        // Past x = 25 the asymptotic series takes over; erfc itself still holds up to x ≈ 26.5.
        for x in [25.000001, 25.5, 26, 26.4] {
            XCTAssertEqual(SubsampledGaussianRDP.logErfc(x), log(erfc(x)), accuracy: 1e-12, "x \(x)")
        }
        XCTAssertEqual(SubsampledGaussianRDP.logErfc(-3), log(erfc(-3)))
        XCTAssertEqual(SubsampledGaussianRDP.logErfc(.infinity), -.infinity)
        // erfc(1000) underflows; log erfc(x) ≈ −x² − log(x√π) there.
        XCTAssertEqual(SubsampledGaussianRDP.logErfc(1000), -1_000_000 - log(1000 * Double.pi.squareRoot()), accuracy: 1e-6)
    }

    func testNoiseMultiplierRoundTrips() throws {
        let budgets: [(epsilon: Double, delta: Double, q: Double, steps: Int)] = [
            (1, 1e-5, 0.01, 1000), (3, 1e-5, 256.0 / 60000, 2343), (8, 1e-5, 0.05, 10000),
            (0.5, 1e-6, 0.001, 100_000), (2, 1e-7, 1, 10), (10, 1e-5, 0.2, 50), (50, 1e-5, 0.01, 10),
        ]
        for budget in budgets {
            let sigma = try RDPAccountant.noiseMultiplier(epsilon: budget.epsilon, delta: budget.delta,
                                                          samplingRate: budget.q, steps: budget.steps)
            let at = try RDPAccountant.epsilon(samplingRate: budget.q, noiseMultiplier: sigma, steps: budget.steps, delta: budget.delta)
            let below = try RDPAccountant.epsilon(samplingRate: budget.q, noiseMultiplier: sigma * (1 - 1e-3),
                                                  steps: budget.steps, delta: budget.delta)
            XCTAssertLessThanOrEqual(at.epsilon, budget.epsilon, "\(budget): sigma \(sigma)")
            XCTAssertGreaterThan(below.epsilon, budget.epsilon, "\(budget): sigma \(sigma)")
        }
        // q = 1, one step, at one order: ε = α/(2σ²) + log(1 − 1/α) − log(δα)/(α − 1) solved for σ.
        let alpha = 8.0, delta = 1e-5, target = 2.0
        let rdpBudget = target - log1p(-1 / alpha) + log(delta * alpha) / (alpha - 1)
        let exact = (alpha / (2 * rdpBudget)).squareRoot()
        let found = try RDPAccountant.noiseMultiplier(epsilon: target, delta: delta, samplingRate: 1, steps: 1, orders: [alpha])
        XCTAssertEqual(found, exact, accuracy: exact * 1e-6)
        // Nothing spent whatever the noise: none is needed.
        XCTAssertEqual(try RDPAccountant.noiseMultiplier(epsilon: 1, delta: 1e-5, samplingRate: 0, steps: 100), 0)
        XCTAssertEqual(try RDPAccountant.noiseMultiplier(epsilon: 1, delta: 1e-5, samplingRate: 0.1, steps: 0), 0)
    }

    func testErrorsNameTheBadValue() {
        func error(_ body: () throws -> Void) -> LearningError? {
            do { try body() } catch { return error as? LearningError }
            return nil
        }
        var accountant = RDPAccountant()
        XCTAssertEqual(error { try accountant.compose(samplingRate: 1.5, noiseMultiplier: 1, steps: 1) }, .invalidSamplingRate(1.5))
        XCTAssertEqual(error { try accountant.compose(samplingRate: -0.1, noiseMultiplier: 1, steps: 1) }, .invalidSamplingRate(-0.1))
        XCTAssertNotNil(error { try accountant.compose(samplingRate: .nan, noiseMultiplier: 1, steps: 1) })
        XCTAssertEqual(error { try accountant.compose(samplingRate: 0.1, noiseMultiplier: -1, steps: 1) }, .invalidNoiseMultiplier(-1))
        XCTAssertNotNil(error { try accountant.compose(samplingRate: 0.1, noiseMultiplier: .nan, steps: 1) })
        XCTAssertEqual(error { try accountant.compose(samplingRate: 0.1, noiseMultiplier: 1, steps: -3) }, .negativeSteps(-3))
        XCTAssertEqual(accountant.rdp, Array(repeating: 0, count: accountant.orders.count), "a refused step spends nothing")
        for delta in [0, 1, -1e-5, 2, .nan] {
            XCTAssertNotNil(error { _ = try accountant.epsilon(delta: delta) }, "delta \(delta)")
            XCTAssertNotNil(error { _ = try RDPAccountant.noiseMultiplier(epsilon: 1, delta: delta, samplingRate: 0.1, steps: 10) },
                            "delta \(delta)")
        }
        XCTAssertEqual(error { _ = try RDPAccountant.noiseMultiplier(epsilon: -1, delta: 1e-5, samplingRate: 0.1, steps: 10) },
                       .invalidEpsilonTarget(-1))
        XCTAssertEqual(error { _ = try RDPAccountant.noiseMultiplier(epsilon: .infinity, delta: 1e-5, samplingRate: 0.1, steps: 10) },
                       .invalidEpsilonTarget(.infinity))
        XCTAssertNotNil(error { _ = try RDPAccountant(orders: [0.5, 2]) })
        XCTAssertNotNil(error { _ = try RDPAccountant(orders: []) })
        XCTAssertNotNil(error { _ = try RDPAccountant(orders: [.infinity]) })

        // A budget no noise up to a million reaches: the full batch, a million steps, ε = 10⁻⁶.
        guard case let .unreachableEpsilon(target, _, largest, reached)? =
            error({ _ = try RDPAccountant.noiseMultiplier(epsilon: 1e-6, delta: 1e-5, samplingRate: 1, steps: 1_000_000) })
        else { return XCTFail("expected an unreachable budget") }
        XCTAssertEqual(target, 1e-6)
        XCTAssertEqual(largest, 1e6)
        XCTAssertGreaterThan(reached, 1e-6)

        XCTAssertEqual(LearningError.invalidSamplingRate(1.5).description,
                       "sampling rate 1.5 is outside 0 to 1: it is the chance that a row joins a batch (batch size / rows)")
        XCTAssertEqual(LearningError.invalidDelta(0).description, "delta 0.0 is outside 0 to 1: it must be above 0 and below 1")
        XCTAssertNotNil(LearningError.invalidDelta(0).help)
    }
}
