import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Random numbers nobody can predict or replay, for DP-SGD's noise and sampling: the
/// kernel's CSPRNG (`/dev/urandom`, the source of `getrandom`), read 4 KiB at a time.
///
/// The seeded streams of the rest of training would not do: the modeller chooses the seed,
/// and whoever knows the noise can subtract it. Tests may seed this stream instead
/// (`init(testingSeed:)`), which only code inside the module can do.
final class SecureRandom: RandomNumberGenerator {
    private var words = [UInt64](repeating: 0, count: 512)
    private var position = 512
    private var testingStream: SeededGenerator?
    private var spareNormal: Double?

    /// A stream from the kernel's CSPRNG.
    init() {}

    /// A reproducible stream, for tests only.
    init(testingSeed: UInt64) {
        testingStream = SeededGenerator(seed: testingSeed)
    }

    /// The next 64 random bits.
    func next() -> UInt64 {
        if position == words.count { refill() }
        defer { position += 1 }
        return words[position]
    }

    /// A uniform Double on [0, 1): the top 53 bits of one draw times 2⁻⁵³.
    func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal value by the Box–Muller transform, in Double.
    func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let (value, spare) = boxMuller(1.0 - nextDouble(), nextDouble())
        spareNormal = spare
        return value
    }

    private func refill() {
        position = 0
        if var stream = testingStream {
            for i in words.indices { words[i] = stream.next() }
            testingStream = stream
            return
        }
        let byteCount = words.count * MemoryLayout<UInt64>.stride
        let filled = words.withUnsafeMutableBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return false }
            defer { close(descriptor) }
            var done = 0
            while done < byteCount {
                let got = read(descriptor, base + done, byteCount - done)
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { return false }
                done += got
            }
            return true
        }
        if !filled {
            // No /dev/urandom (a sandbox without /dev): the standard library's generator
            // reads the same kernel source a word at a time.
            var system = SystemRandomNumberGenerator()
            for i in words.indices { words[i] = system.next() }
        }
    }
}
