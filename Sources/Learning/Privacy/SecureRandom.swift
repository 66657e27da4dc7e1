import Crypto
import CryptoExtras
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Random numbers nobody can predict or replay, for DP-SGD's noise and sampling.
///
/// The seeded streams of the rest of training would not do: the modeller chooses the seed,
/// and whoever knows the noise can subtract it. This stream is AES-256 in counter mode
/// (BoringSSL, the cipher of secure aggregation's masks) keyed by 32 bytes from the kernel's
/// CSPRNG (`/dev/urandom`), with fast key erasure (Bernstein, 2017): each refill expands the
/// current key into a new key and 64 KiB of output and drops the old key, so no key
/// encrypts two counter blocks alike and the state at any moment does not give away the
/// numbers already drawn. Every 16 MiB the key is replaced by fresh bytes from the kernel.
/// (Reading every word from the kernel took 80 ns per normal value, and DP-SGD needs one
/// per parameter per step, 563,433 for the default model: DP-SGD was ten times slower than
/// plain training; BENCHMARKS.md, "Differential privacy (issue 13)".)
///
/// Tests may seed the first key instead (`init(testingSeed:)`, which only code inside the
/// module can call); a seeded stream never reads the kernel.
final class SecureRandom: RandomNumberGenerator {
    /// Output words per refill: 64 KiB, enough to amortise a call into BoringSSL.
    private static let refillWords = 8192
    /// Refills between fresh kernel keys: 256 × 64 KiB = 16 MiB.
    private static let refillsPerKernelKey = 256
    /// Keystream bytes one refill asks for: the next key, then the output.
    private static let zeros = [UInt8](repeating: 0, count: 32 + refillWords * 8)

    /// The current 64 KiB of output.
    private let words = UnsafeMutablePointer<UInt64>.allocate(capacity: refillWords)
    private var position = refillWords
    private var key: SymmetricKey
    private var refills = 0
    private let seeded: Bool

    /// A stream keyed from the kernel's CSPRNG.
    init() {
        key = SymmetricKey(data: Self.kernelBytes(32))
        seeded = false
        words.initialize(repeating: 0, count: Self.refillWords)
    }

    /// A reproducible stream, for tests only: its first key is expanded from `testingSeed`.
    init(testingSeed: UInt64) {
        var generator = SeededGenerator(seed: testingSeed)
        var bytes: [UInt8] = []
        for _ in 0..<4 { withUnsafeBytes(of: generator.next().littleEndian) { bytes.append(contentsOf: $0) } }
        key = SymmetricKey(data: bytes)
        seeded = true
        words.initialize(repeating: 0, count: Self.refillWords)
    }

    deinit {
        words.update(repeating: 0, count: Self.refillWords)
        words.deallocate()
    }

    /// The next 64 random bits.
    @inline(__always)
    func next() -> UInt64 {
        if position == Self.refillWords { refill() }
        defer { position &+= 1 }
        return words[position]
    }

    /// A uniform Double on [0, 1): the top 53 bits of one draw times 2⁻⁵³.
    @inline(__always)
    func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal value (the method of `Ziggurat.normal`).
    func nextNormal() -> Double {
        Ziggurat.table.normal { next() }
    }

    /// Writes `count` standard normal values to `out`: `nextNormal()` in bulk. The fast path
    /// of the ziggurat (99% of values) runs on the buffer with the position in a local; the
    /// stored position is checked for exclusive access on every use, which took a third of
    /// the time when every value went through `next()`.
    func fillNormals(_ out: UnsafeMutablePointer<Double>, count: Int) {
        let table = Ziggurat.table
        table.widths.withUnsafeBufferPointer { widths in
            table.thresholds.withUnsafeBufferPointer { thresholds in
                var position = self.position
                var i = 0
                while i < count {
                    if position == Self.refillWords {
                        refill()
                        position = 0
                    }
                    let bits = words[position]
                    position &+= 1
                    let layer = Int(bits & 0xff)
                    let uniform = (bits >> 9) & 0x000f_ffff_ffff_ffff
                    if uniform < thresholds[layer] {
                        // The sign by bit 8 of the draw, without a branch (it is a coin toss).
                        let x = Double(uniform) * widths[layer]
                        out[i] = Double(bitPattern: x.bitPattern ^ ((bits & 0x100) << 55))
                    } else {
                        self.position = position
                        out[i] = table.finishNormal(bits) { next() }
                        position = self.position
                    }
                    i &+= 1
                }
                self.position = position
            }
        }
    }

    private func refill() {
        position = 0
        refills += 1
        if !seeded && refills % Self.refillsPerKernelKey == 0 {
            key = SymmetricKey(data: Self.kernelBytes(32))
        }
        let output = UnsafeMutableRawBufferPointer(start: words, count: Self.refillWords * 8)
        // Each key encrypts one stream from counter 0, so a zero counter block is safe.
        guard let nonce = try? AES._CTR.Nonce(nonceBytes: [UInt8](repeating: 0, count: 16)),
              let stream = try? AES._CTR.encrypt(Self.zeros, using: key, nonce: nonce),
              stream.count == Self.zeros.count
        else {
            // Not reachable with a 32-byte key; the kernel itself is then the stream.
            let bytes = Self.kernelBytes(32 + Self.refillWords * 8)
            key = SymmetricKey(data: bytes[0..<32])
            output.copyBytes(from: bytes[32...])
            return
        }
        key = SymmetricKey(data: stream.prefix(32))
        stream.withUnsafeBytes { output.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[32...])) }
        #if _endian(big)
        for i in 0..<Self.refillWords { words[i] = UInt64(littleEndian: words[i]) }
        #endif
    }

    /// `count` bytes from the kernel's CSPRNG: `/dev/urandom`, or where it cannot be read
    /// (a sandbox without /dev) the standard library's generator, which reads the same
    /// source a word at a time.
    private static func kernelBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let filled = bytes.withUnsafeMutableBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return false }
            defer { close(descriptor) }
            var done = 0
            while done < count {
                let got = read(descriptor, base + done, count - done)
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { return false }
                done += got
            }
            return true
        }
        if !filled {
            var system = SystemRandomNumberGenerator()
            for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: system.next()) }
        }
        return bytes
    }
}

/// Standard normal values by the ziggurat method (Marsaglia and Tsang, 2000) with 256
/// layers, in Double, as NumPy's `standard_normal`: one 64-bit draw gives the layer (its low
/// 8 bits), the sign (1 bit) and a 52-bit uniform; 99% of draws end at one comparison, the
/// rest take the layer's wedge test or, in the base strip, the tail beyond r (Marsaglia's
/// exponential rejection), so the values are exactly normal up to rounding. The
/// Box–Muller transform it replaced needs a logarithm, a sine and a cosine per pair of
/// values: three times the time.
///
/// The tables are built once as in Marsaglia and Tsang's `zigset`: layer 0 is the base
/// strip (the widest rectangle and the tail beyond r), layer i ≥ 1 the rectangle of
/// half-width xᵢ between heights f(xᵢ) and f(xᵢ₋₁); every layer has area v, x₂₅₅ = r and
/// f(x) = exp(−x²/2).
struct Ziggurat: Sendable {
    /// The right edge of the widest rectangle, where the tail begins.
    static let r = 3.6541528853610088
    /// The area of each layer.
    static let v = 0.00492867323399

    /// xᵢ / 2⁵² (the base strip: its width v / f(r) over 2⁵²): a 52-bit uniform times this
    /// is a point of the layer.
    let widths: [Double]
    /// xᵢ₋₁ / xᵢ · 2⁵² (the base strip: r over its width): a uniform below this lies under
    /// the curve for certain.
    let thresholds: [UInt64]
    /// f(xᵢ), with f(x₀) = 1 at the top.
    let densities: [Double]

    static let table = Ziggurat()

    private init() {
        let scale = 0x1p52
        var widths = [Double](repeating: 0, count: 256)
        var thresholds = [UInt64](repeating: 0, count: 256)
        var densities = [Double](repeating: 0, count: 256)
        var edge = Self.r
        var outer = Self.r
        let base = Self.v / exp(-0.5 * edge * edge)
        thresholds[0] = UInt64(edge / base * scale)
        widths[0] = base / scale
        widths[255] = edge / scale
        densities[0] = 1
        densities[255] = exp(-0.5 * edge * edge)
        for i in stride(from: 254, through: 1, by: -1) {
            edge = (-2 * log(Self.v / edge + exp(-0.5 * edge * edge))).squareRoot()
            thresholds[i + 1] = UInt64(edge / outer * scale)
            outer = edge
            densities[i] = exp(-0.5 * edge * edge)
            widths[i] = edge / scale
        }
        self.widths = widths
        self.thresholds = thresholds
        self.densities = densities
    }

    /// One standard normal value from the 64-bit draws of `draw` (one, rarely more).
    @inline(__always)
    func normal(_ draw: () -> UInt64) -> Double {
        let bits = draw()
        let layer = Int(bits & 0xff)
        let uniform = (bits >> 9) & 0x000f_ffff_ffff_ffff
        if uniform < thresholds[layer] {
            let x = Double(uniform) * widths[layer]
            return Double(bitPattern: x.bitPattern ^ ((bits & 0x100) << 55))
        }
        return finishNormal(bits, draw)
    }

    /// The rest of `normal` when the draw `bits` missed the fast test: the wedge test of its
    /// layer, or the tail from the base strip, and new draws from `draw` while they fail.
    func finishNormal(_ first: UInt64, _ draw: () -> UInt64) -> Double {
        var bits = first
        while true {
            let layer = Int(bits & 0xff)
            let negative = bits & 0x100 != 0
            let uniform = (bits >> 9) & 0x000f_ffff_ffff_ffff
            let x = Double(uniform) * widths[layer]
            if uniform < thresholds[layer] { return negative ? -x : x }
            if layer == 0 {
                // The tail beyond r: r + E/r for an exponential E, kept with probability
                // exp(−E²/(2r²)), i.e. when a second exponential exceeds E²/(2r²).
                while true {
                    let excess = -log1p(-Double(draw() >> 11) * 0x1p-53) / Self.r
                    let exponential = -log1p(-Double(draw() >> 11) * 0x1p-53)
                    if exponential + exponential > excess * excess {
                        return negative ? -(Self.r + excess) : Self.r + excess
                    }
                }
            }
            let below = densities[layer]
            if (densities[layer - 1] - below) * (Double(draw() >> 11) * 0x1p-53) + below < exp(-0.5 * x * x) {
                return negative ? -x : x
            }
            bits = draw()
        }
    }
}
