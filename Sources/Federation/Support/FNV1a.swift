/// The 64-bit FNV-1a hash: fast and the same on every machine and run, for seeds and hash
/// tables (not for anything an adversary chooses to collide).
enum FNV1a {
    /// The hash of `bytes`.
    @inline(__always)
    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
