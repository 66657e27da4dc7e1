/// Eight xorwow generators side by side in SIMD lanes: the generator of dropout masks.
///
/// xorwow is Marsaglia's xorshift generator on five 32-bit words plus a Weyl sequence
/// (G. Marsaglia, "Xorshift RNGs", Journal of Statistical Software 8(14), 2003; the default
/// generator of NVIDIA's cuRAND, used there for dropout). Per lane and draw:
///   t ← x ⊕ (x ≫ 2);  x, y, z, w ← y, z, w, v;  v ← (v ⊕ (v ≪ 4)) ⊕ (t ⊕ (t ≪ 1));
///   d ← d + 362437;  output v + d (all modulo 2³²).
/// It needs only shifts, exclusive-ors and additions, which the baseline x86-64 vector unit
/// has for 32-bit lanes, so eight draws cost a few vector instructions. (xoshiro's rotations
/// are not vectorised by the compiler at that target, which makes the scalar xoshiro256**
/// about four times slower per mask element.)
///
/// The lanes' state is drawn from a parent `SeededGenerator`, so the masks follow from the
/// parent's seed and a run stays bit-for-bit reproducible.
struct XorwowLanes {
    private var x: SIMD8<UInt32>
    private var y: SIMD8<UInt32>
    private var z: SIMD8<UInt32>
    private var w: SIMD8<UInt32>
    private var v: SIMD8<UInt32>
    private var d: SIMD8<UInt32>

    /// Lanes whose six state words each come from three 64-bit draws of `parent`, lane by
    /// lane; v is made odd so that no lane's xorshift state is all zero.
    init(drawingFrom parent: inout SeededGenerator) {
        x = .zero
        y = .zero
        z = .zero
        w = .zero
        v = .zero
        d = .zero
        for lane in 0..<8 {
            let first = parent.next()
            let second = parent.next()
            let third = parent.next()
            x[lane] = UInt32(truncatingIfNeeded: first)
            y[lane] = UInt32(truncatingIfNeeded: first >> 32)
            z[lane] = UInt32(truncatingIfNeeded: second)
            w[lane] = UInt32(truncatingIfNeeded: second >> 32)
            v[lane] = UInt32(truncatingIfNeeded: third) | 1
            d[lane] = UInt32(truncatingIfNeeded: third >> 32)
        }
    }

    /// The next 32 uniformly distributed bits of every lane.
    @inline(__always)
    mutating func next() -> SIMD8<UInt32> {
        let t = x ^ (x &>> 2)
        x = y
        y = z
        z = w
        w = v
        v = (v ^ (v &<< 4)) ^ (t ^ (t &<< 1))
        d &+= 362_437
        return v &+ d
    }
}
