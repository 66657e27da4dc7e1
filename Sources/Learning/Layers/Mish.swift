/// Mish(x) = x·tanh(softplus(x)) (Misra, 2019), element-wise; no parameters.
///
/// The forward pass in training mode stores the derivative so the backward pass is one
/// multiplication.
enum Mish {
    /// y ← Mish(x) and derivative ← Mish′(x) for `count` elements (y may alias x).
    static func forward(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
        derivative: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count {
            let (value, slope) = Kernels.mish(x[i])
            y[i] = value
            derivative[i] = slope
        }
    }

    /// y ← Mish(x) for `count` elements, without the derivative (evaluation).
    static func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            y[i] = Kernels.mishValue(x[i])
        }
    }

    /// dx ← dy·Mish′(x) from the stored derivative (dx may alias dy).
    static func backward(
        _ dy: UnsafePointer<Float>, derivative: UnsafePointer<Float>,
        into dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count {
            dx[i] = dy[i] * derivative[i]
        }
    }
}
