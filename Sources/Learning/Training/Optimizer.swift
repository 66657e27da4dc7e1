import Foundation

/// Updates a flat run of parameters from their gradients with PyTorch's formulas
/// (`torch.optim` single-tensor implementations), element by element in Float32 with the
/// per-step scalars computed in Double, as Python computes them.
///
/// SGD, with g the gradient and t the step:
///   g ← g + weight_decay·p;  if momentum ≠ 0: b ← g at t = 1, else b ← momentum·b + (1 − dampening)·g,
///   g ← g + momentum·b (Nesterov) or g ← b;  p ← p − lr·g.
/// Adam / AdamW:
///   Adam: g ← g + weight_decay·p;  AdamW: p ← p·(1 − lr·weight_decay);
///   m ← lerp(m, g, 1 − β₁);  v ← β₂·v + (1 − β₂)·g²;  (AMSGrad: v̂ ← max(v̂, v), used for v)
///   p ← p − (lr/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε).
final class Optimizer {
    /// The validated settings.
    let settings: OptimizerSettings
    /// The number of parameters updated.
    let count: Int
    /// Steps taken so far.
    private(set) var stepCount = 0
    /// State per element: SGD's momentum buffer; Adam's exp_avg, exp_avg_sq (and
    /// max_exp_avg_sq with AMSGrad), each `count` long.
    let buffers: [FloatBuffer]

    /// The names of the state buffers, in `buffers` order, as PyTorch names them.
    var bufferNames: [String] {
        switch settings {
        case let .sgd(sgd): return sgd.momentum != 0 ? ["momentum_buffer"] : []
        case let .adam(adam): return adam.amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"]
        }
    }

    /// An optimizer over `count` parameters with zeroed state.
    init(settings: OptimizerSettings, count: Int) {
        self.settings = settings
        self.count = count
        let bufferCount: Int
        switch settings {
        case let .sgd(sgd): bufferCount = sgd.momentum != 0 ? 1 : 0
        case let .adam(adam): bufferCount = adam.amsgrad ? 3 : 2
        }
        buffers = (0..<bufferCount).map { _ in FloatBuffer(count: count) }
    }

    /// Restores the step count and buffers (already checked by the caller for size).
    func restore(stepCount: Int, buffers values: [[Float]]) {
        self.stepCount = stepCount
        for (buffer, value) in zip(buffers, values) { buffer.copy(from: value) }
    }

    /// The learning rate when this is plain SGD (no momentum, no weight decay), whose update
    /// p ← p − lr·g needs nothing but each element's gradient: a model can then apply it
    /// inside its weight-gradient products (`WeightGradientUse.descend`) and leave the rest
    /// to `stepPlainSGD(values:gradients:ranges:)`. Nil for every other optimizer.
    var plainSGDLearningRate: Float? {
        guard case let .sgd(sgd) = settings, sgd.momentum == 0, sgd.weightDecay == 0 else { return nil }
        return Float(sgd.learningRate)
    }

    /// One plain SGD step (`plainSGDLearningRate` must not be nil) over the elements in
    /// `ranges` only, the others having been stepped by the model; counts as one step.
    func stepPlainSGD(values p: UnsafeMutablePointer<Float>, gradients g: UnsafeMutablePointer<Float>, ranges: [Range<Int>]) {
        guard let learningRate = plainSGDLearningRate else {
            preconditionFailure("stepPlainSGD needs plain SGD")
        }
        stepCount += 1
        for range in ranges {
            for i in range { p[i] = p[i] - learningRate * g[i] }
        }
    }

    /// One update of `values` from `gradients` (both `count` long). The gradients are
    /// modified (weight decay enters them) as in PyTorch's in-place formulation.
    func step(values: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        stepCount += 1
        switch settings {
        case let .sgd(sgd): stepSGD(sgd, values: values, gradients: gradients)
        case let .adam(adam): stepAdam(adam, values: values, gradients: gradients)
        }
    }

    private func stepSGD(_ sgd: SGDSettings, values p: UnsafeMutablePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        let learningRate = Float(sgd.learningRate)
        let weightDecay = Float(sgd.weightDecay)
        let n = count
        if sgd.weightDecay != 0 {
            for i in 0..<n { g[i] = g[i] + weightDecay * p[i] }
        }
        guard sgd.momentum != 0, let buffer = buffers.first?.base else {
            for i in 0..<n { p[i] = p[i] - learningRate * g[i] }
            return
        }
        let momentum = Float(sgd.momentum)
        if stepCount == 1 {
            buffer.update(from: g, count: n)
        } else {
            let keep = Float(1 - sgd.dampening)
            for i in 0..<n { buffer[i] = buffer[i] * momentum + keep * g[i] }
        }
        if sgd.nesterov {
            for i in 0..<n { p[i] = p[i] - learningRate * (g[i] + momentum * buffer[i]) }
        } else {
            for i in 0..<n { p[i] = p[i] - learningRate * buffer[i] }
        }
    }

    private func stepAdam(_ adam: AdamSettings, values p: UnsafeMutablePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        let n = count
        let firstMoment = buffers[0].base
        let secondMoment = buffers[1].base
        if adam.weightDecay != 0 {
            if adam.decoupledWeightDecay {
                let shrink = Float(1 - adam.learningRate * adam.weightDecay)
                for i in 0..<n { p[i] = p[i] * shrink }
            } else {
                let weightDecay = Float(adam.weightDecay)
                for i in 0..<n { g[i] = g[i] + weightDecay * p[i] }
            }
        }
        let t = Double(stepCount)
        let biasCorrection1 = 1 - pow(adam.beta1, t)
        let biasCorrection2 = 1 - pow(adam.beta2, t)
        let stepSize = Float(adam.learningRate / biasCorrection1)
        let correction2Root = Float(biasCorrection2.squareRoot())
        let epsilon = Float(adam.epsilon)
        let weight = Float(1 - adam.beta1)
        let beta2 = Float(adam.beta2)
        let oneMinusBeta2 = Float(1 - adam.beta2)
        // PyTorch's lerp picks its formula by the weight for accuracy; follow it.
        if weight < 0.5 {
            for i in 0..<n { firstMoment[i] = firstMoment[i] + weight * (g[i] - firstMoment[i]) }
        } else {
            let complement = 1 - weight
            for i in 0..<n { firstMoment[i] = g[i] - (g[i] - firstMoment[i]) * complement }
        }
        for i in 0..<n { secondMoment[i] = secondMoment[i] * beta2 + oneMinusBeta2 * g[i] * g[i] }
        let denominatorSource: UnsafeMutablePointer<Float>
        if adam.amsgrad {
            let maximum = buffers[2].base
            for i in 0..<n { maximum[i] = maximum[i] > secondMoment[i] ? maximum[i] : secondMoment[i] }
            denominatorSource = maximum
        } else {
            denominatorSource = secondMoment
        }
        for i in 0..<n {
            let denominator = denominatorSource[i].squareRoot() / correction2Root + epsilon
            p[i] = p[i] - stepSize * (firstMoment[i] / denominator)
        }
    }
}
