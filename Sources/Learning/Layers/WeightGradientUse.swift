/// What a backward pass does with the weight gradient dyᵀ·x of a `Linear` layer.
enum WeightGradientUse {
    /// Writes it into the layer's gradient buffer, for the optimizer to read.
    case store
    /// Takes the plain SGD step at once, W ← W − lr·dyᵀ·x, as one product that accumulates
    /// into W (β = 1): the gradient is never written, which saves the product's zeroing pass,
    /// the write of the gradient and the optimizer's pass over it. The layer's weight-gradient
    /// buffer is left untouched. Numerically the step is the same update with one rounding
    /// fewer (OpenBLAS adds −lr·(dyᵀx) to W in one operation).
    case descend(learningRate: Float)
}
