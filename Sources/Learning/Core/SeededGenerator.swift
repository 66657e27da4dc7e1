import Foundation

/// A seeded pseudo-random generator: xoshiro256** (Blackman and Vigna, 2018), its
/// 256-bit state filled from the 64-bit seed by SplitMix64, as the authors recommend.
///
/// Every draw bf makes while learning (initial weights, shuffles, dropout masks) comes
/// from one of these, so a run with the same seed is bit-for-bit the same run.
/// The derived distributions are fixed algorithms, documented where they are defined,
/// so that they never change with the standard library:
/// - `nextFloat()`: the top 24 bits of a draw scaled by 2⁻²⁴, uniform on [0, 1);
/// - `nextDouble()`: the top 53 bits scaled by 2⁻⁵³, uniform on [0, 1);
/// - `nextInt(below:)`: Lemire's nearly-divisionless rejection method, unbiased;
/// - `nextNormal()`: the Box–Muller transform, both values of each pair used;
/// - `shuffle(_:)`: Fisher–Yates from the last element down.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64
    /// The second value of the last Box–Muller pair, returned by the next `nextNormal()`.
    private var spareNormal: Double?

    /// Creates a generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        s0 = SeededGenerator.splitMix64(&mixer)
        s1 = SeededGenerator.splitMix64(&mixer)
        s2 = SeededGenerator.splitMix64(&mixer)
        s3 = SeededGenerator.splitMix64(&mixer)
        spareNormal = nil
    }

    /// SplitMix64 (Steele, Lea and Flood, 2014): the recommended way to expand one word of
    /// seed into xoshiro's state; it never yields an all-zero state.
    private static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 uniformly distributed bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    @inline(__always)
    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// A uniform Float on [0, 1): the top 24 bits of one draw times 2⁻²⁴.
    @inline(__always)
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform Double on [0, 1): the top 53 bits of one draw times 2⁻⁵³.
    @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform integer in 0..<bound (bound > 0), by Lemire's multiply-and-reject method.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A standard normal value by the Box–Muller transform: the first of each pair now, the
    /// second at the next call.
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let (value, spare) = boxMuller(1.0 - nextDouble(), nextDouble())
        spareNormal = spare
        return value
    }

    /// Shuffles `elements` in place by Fisher–Yates, drawing `nextInt(below: i + 1)` for
    /// i from the last index down to 1.
    public mutating func shuffle<T>(_ elements: inout [T]) {
        var i = elements.count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            elements.swapAt(i, j)
            i -= 1
        }
    }

    /// A new generator for an independent purpose, seeded from this stream; used to give each
    /// consumer (initialisation, shuffling, dropout) its own stream.
    public mutating func split() -> SeededGenerator {
        SeededGenerator(seed: next())
    }
}

/// The Box–Muller transform: from uniforms u1 ∈ (0, 1] and u2 ∈ [0, 1), r = √(−2 ln u1) gives
/// two independent standard normal values, r·cos 2πu2 and r·sin 2πu2.
func boxMuller(_ u1: Double, _ u2: Double) -> (Double, Double) {
    let radius = (-2.0 * log(u1)).squareRoot()
    let angle = 2.0 * Double.pi * u2
    return (radius * cos(angle), radius * sin(angle))
}
