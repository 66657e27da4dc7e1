/// Inverted dropout: in training each element is zeroed with probability p and the rest are
/// scaled by 1/(1 − p), so evaluation is the identity. The mask is drawn by
/// `Kernels.fillDropoutMask` and kept for the backward pass.
struct Dropout {
    /// The probability of zeroing an element, in [0, 1).
    let probability: Double

    /// A dropout layer with drop probability `probability`.
    init(probability: Double) {
        self.probability = probability
    }

    /// Draws a new mask of `count` values.
    func drawMask(_ mask: UnsafeMutablePointer<Float>, count: Int, generator: inout SeededGenerator) {
        Kernels.fillDropoutMask(mask, count: count, probability: probability, generator: &generator)
    }

    /// y ← x·mask over a matrix view (y may alias x); the mask is dense, one value per element.
    func forward(_ x: MatrixView, mask: UnsafePointer<Float>, into y: MatrixView) {
        for r in 0..<x.rows {
            let input = x.row(r)
            let output = y.row(r)
            let maskRow = mask + r * x.columns
            for j in 0..<x.columns { output[j] = input[j] * maskRow[j] }
        }
    }

    /// dx ← dy·mask (the same operation as the forward pass).
    func backward(_ dy: MatrixView, mask: UnsafePointer<Float>, into dx: MatrixView) {
        forward(dy, mask: mask, into: dx)
    }
}
