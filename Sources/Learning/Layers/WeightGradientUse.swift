/// What a backward pass does with the weight gradient dyᵀ·x of a `Linear` layer.
enum WeightGradientUse {
    /// Writes it into the layer's gradient buffer, for the optimizer to read.
    case store
    /// Takes the plain SGD step at once, W ← W − lr·dyᵀ·x, as one product that accumulates
    /// into W (β = 1): the gradient is never written, which saves the product's zeroing pass,
    /// the write of the gradient and the optimizer's pass over it. The layer's weight-gradient
    /// buffer is left untouched. Numerically it is the same update up to rounding: OpenBLAS
    /// scales the product by −lr and adds it to W itself, where the separate passes round the
    /// gradient, then lr·g, then the difference (the tests allow a few units in the last place).
    case descend(learningRate: Float)
}
