/// Element-wise building blocks shared by the layers: a branch-free exponential and Mish
/// that the compiler vectorises inside loops, column reductions over row-major matrices, and
/// dropout masks.
///
/// The loops index raw pointers (no bounds checks to hoist) and keep their bodies free of
/// branches and calls so that LLVM turns them into SIMD code.
enum Kernels {
    /// e^x in Float32, branch-free (Cephes `expf`): x is clamped to [−87.3, 88.3], split as
    /// x = n·ln 2 + r with n rounded to nearest by the 1.5·2²³ trick and ln 2 in two parts,
    /// e^r by a degree-6 polynomial, and 2ⁿ built in the exponent bits. Relative error below
    /// 2·10⁻⁷ over the range; returns ≈1.2·10⁻³⁸ for x below −87.3.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let high: Float = 88.3
        return exp(atMostHigh: x > high ? high : x)
    }

    /// `exp(_:)` for an x already known to be at most 88.3 (Mish caps its argument at 20), so
    /// only the lower clamp is applied: the same value, and the vectorised loop is shorter
    /// because the compiler lowers a single clamp to one `maxps`, while two nested clamps
    /// became a chain of compares and masks.
    @inline(__always)
    static func exp(atMostHigh x: Float) -> Float {
        let low: Float = -87.3
        let clamped = x < low ? low : x
        let roundingShift: Float = 12_582_912  // 1.5·2²³: adding it rounds to an integer
        let shifted = clamped * 1.442_695_04 + roundingShift
        let n = shifted - roundingShift
        let r = (clamped - n * 0.693_359_375) + n * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let y = p * r * r + r + 1
        let exponent = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000 &+ 127
        return y * Float(bitPattern: UInt32(bitPattern: exponent) << 23)
    }

    /// Mish(z) = z·tanh(softplus(z)) and its derivative, from one exponential:
    /// with e = e^z and n = e(e + 2), tanh(ln(1 + e)) = n/(n + 2), and
    /// d/dz = n/(n + 2) + z·4e(e + 1)/(n + 2)². z is capped at 20 inside the exponential,
    /// where n/(n + 2) already rounds to 1 in Float32.
    @inline(__always)
    static func mish(_ z: Float) -> (value: Float, derivative: Float) {
        let capped: Float = z > 20 ? 20 : z
        let e = exp(atMostHigh: capped)
        let n = e * (e + 2)
        let inverse = 1 / (n + 2)
        let t = n * inverse
        let slope = 4 * e * (e + 1) * inverse * inverse
        return (z * t, t + z * slope)
    }

    /// Mish(z) alone (evaluation needs no derivative), rounded exactly as `mish(_:)` rounds
    /// its value.
    @inline(__always)
    static func mishValue(_ z: Float) -> Float {
        let capped: Float = z > 20 ? 20 : z
        let e = exp(atMostHigh: capped)
        let n = e * (e + 2)
        let inverse = 1 / (n + 2)
        return z * (n * inverse)
    }

    /// Column means and biased variances of `x` (two passes, for accuracy); `mean` and
    /// `variance` have `x.columns` elements and are overwritten.
    static func columnMeanAndVariance(
        _ x: MatrixView, mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
    ) {
        let columns = x.columns
        mean.update(repeating: 0, count: columns)
        variance.update(repeating: 0, count: columns)
        for r in 0..<x.rows {
            let row = x.row(r)
            for j in 0..<columns {
                mean[j] += row[j]
            }
        }
        let inverseRows = 1 / Float(x.rows)
        for j in 0..<columns {
            mean[j] *= inverseRows
        }
        for r in 0..<x.rows {
            let row = x.row(r)
            for j in 0..<columns {
                let centred = row[j] - mean[j]
                variance[j] += centred * centred
            }
        }
        for j in 0..<columns {
            variance[j] *= inverseRows
        }
    }

    /// Column sums of `x` written into `sums` (`x.columns` elements).
    static func columnSums(_ x: MatrixView, into sums: UnsafeMutablePointer<Float>) {
        let columns = x.columns
        sums.update(repeating: 0, count: columns)
        for r in 0..<x.rows {
            let row = x.row(r)
            for j in 0..<columns {
                sums[j] += row[j]
            }
        }
    }

    /// Fills `count` mask values for inverted dropout: 0 with probability `probability`,
    /// otherwise 1/(1 − probability). Each 64-bit draw gives two 32-bit uniforms u (low half
    /// first); an element is dropped when u < probability·2³². The choice is made on the bit
    /// patterns with a mask instead of a branch: a branch mispredicts on every dropped element
    /// it did not expect, which made the fill about twice as slow.
    static func fillDropoutMask(
        _ mask: UnsafeMutablePointer<Float>, count: Int, probability: Double,
        generator: inout SeededGenerator
    ) {
        if probability == 0 {
            mask.update(repeating: 1, count: count)
            return
        }
        let keepBits = Float(1 / (1 - probability)).bitPattern
        let threshold = UInt32(min(probability * 4_294_967_296, 4_294_967_295))
        @inline(__always)
        func value(_ uniform: UInt32) -> Float {
            Float(bitPattern: keepBits & (0 &- UInt32(uniform >= threshold ? 1 : 0)))
        }
        var i = 0
        while i + 1 < count {
            let word = generator.next()
            mask[i] = value(UInt32(truncatingIfNeeded: word))
            mask[i + 1] = value(UInt32(truncatingIfNeeded: word >> 32))
            i += 2
        }
        if i < count {
            mask[i] = value(UInt32(truncatingIfNeeded: generator.next()))
        }
    }
}
