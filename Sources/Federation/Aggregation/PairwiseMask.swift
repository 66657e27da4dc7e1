import Crypto
import CryptoExtras
import Foundation
import Synchronization

/// The mask two pods share for one round: a 256-bit AES key derived from their X25519
/// shared secret, expanded by AES-256 in counter mode into one pseudorandom 64-bit ring
/// element per vector element.
///
/// The key comes from HKDF-SHA256 with the round's context digest as salt (binding task,
/// round, attempt, participants and encoding) and the two pod identifiers in sorted order
/// as info, so both pods of a pair derive the same key and no key serves two rounds. Each
/// key drives exactly one stream, so the counter starts at zero: block i of the stream is
/// AES-256 of i as a 128-bit big-endian integer (NIST SP 800-38A CTR), and lane k of the
/// mask is bytes 8k…8k+7 of that keystream read as a little-endian UInt64.
///
/// Why AES rather than ChaCha20: with AES-NI, BoringSSL's AES-256-CTR makes keystream
/// about 2.2× as fast as its ChaCha20 on the development machine (BENCHMARKS.md, "Secure
/// versus plain aggregation"), and the key stays 256 bits.
struct PairwiseMask: Sendable {
    /// The most lanes one stream covers: 2^32 AES blocks of two lanes, so the 32-bit block
    /// counter never wraps.
    static let maximumLanes = 1 << 33

    /// Lanes produced per call to the cipher: 64 KiB, large enough to amortise the call and
    /// small enough to stay in cache while it is added in.
    static let chunkLanes = 8192

    /// Lanes per AES block: a slice of the mask starts on a multiple of this.
    static let lanesPerBlock = 2

    private static let zeroChunk = [UInt8](repeating: 0, count: chunkLanes * 8)

    /// The AES-256 key the mask expands.
    let key: SymmetricKey

    /// Wraps an already-derived 32-byte AES key.
    init(key: SymmetricKey) {
        self.key = key
    }

    /// Derives the mask `pod` and `peer` share in `context` from their X25519 shared secret.
    init(sharedSecret: SharedSecret, context: SecureAggregationContext, pod: String, peer: String) {
        let (low, high) = pod < peer ? (pod, peer) : (peer, pod)
        var info = CanonicalBytes(domain: "bf secure aggregation pairwise mask v2 aes-256-ctr")
        info.append(low)
        info.append(high)
        key = sharedSecret.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: context.digest, sharedInfo: info.bytes, outputByteCount: 32)
    }

    /// Adds the mask to `target` element-wise in Z_{2^64}, or subtracts it when `subtracting`.
    func apply(to target: UnsafeMutableBufferPointer<UInt64>, subtracting: Bool) throws {
        try apply(to: target, startingAtLane: 0, subtracting: subtracting)
    }

    /// Adds (or subtracts) lanes `firstLane ..< firstLane + target.count` of the mask to
    /// `target`, which holds that slice of the vector; `firstLane` is even (an AES block
    /// boundary).
    func apply(to target: UnsafeMutableBufferPointer<UInt64>, startingAtLane firstLane: Int, subtracting: Bool) throws {
        precondition(firstLane % Self.lanesPerBlock == 0, "a mask slice starts on an AES block")
        precondition(firstLane + target.count <= Self.maximumLanes, "mask longer than one AES-CTR stream")
        var start = 0
        while start < target.count {
            let lanes = min(Self.chunkLanes, target.count - start)
            let stream = try AES._CTR.encrypt(Self.zeroChunk[0..<(lanes * 8)], using: key,
                                              nonce: Self.counterBlock(UInt32((firstLane + start) / Self.lanesPerBlock)))
            stream.withUnsafeBytes { stream in
                guard let source = stream.baseAddress, let base = target.baseAddress else { return }
                Self.combine(source, into: base + start, lanes: lanes, subtracting: subtracting)
            }
            start += lanes
        }
    }

    /// Adds (or subtracts) `lanes` little-endian 64-bit lanes of `stream` to `target` in
    /// Z_{2^64}, eight lanes a step (one 512-bit vector where the machine has them).
    @inline(__always)
    private static func combine(_ stream: UnsafeRawPointer, into target: UnsafeMutablePointer<UInt64>, lanes: Int, subtracting: Bool) {
        let vectors = UnsafeMutableRawPointer(target)
        let vectorLanes = lanes & ~7
        var lane = 0
        while lane < vectorLanes {
            let offset = lane &* 8
            var mask = stream.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt64>.self)
            #if _endian(big)
            for index in mask.indices { mask[index] = mask[index].byteSwapped }
            #endif
            let value = vectors.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt64>.self)
            vectors.storeBytes(of: subtracting ? value &- mask : value &+ mask, toByteOffset: offset, as: SIMD8<UInt64>.self)
            lane &+= 8
        }
        while lane < lanes {
            let mask = UInt64(littleEndian: stream.loadUnaligned(fromByteOffset: lane &* 8, as: UInt64.self))
            target[lane] = subtracting ? target[lane] &- mask : target[lane] &+ mask
            lane &+= 1
        }
    }

    /// Adds each of `masks` to `elements` (or subtracts it when its flag says so) in Z_{2^64},
    /// chunk by chunk so each slice stays in cache while every mask is added. With `workers`
    /// above 1 the chunks are dealt out among that many threads: for the modeller's unmasking,
    /// which runs when the pods have finished and would otherwise leave the other cores idle.
    static func apply(_ masks: [(mask: PairwiseMask, subtracting: Bool)], to elements: inout [UInt64], workers: Int = 1) throws {
        let chunkCount = (elements.count + chunkLanes - 1) / chunkLanes
        let workers = max(1, min(workers, chunkCount))
        try elements.withUnsafeMutableBufferPointer { elements in
            // Each worker writes only its own chunks of the buffer.
            nonisolated(unsafe) let elements = elements
            let failure = Mutex<(any Error)?>(nil)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for chunk in stride(from: worker, to: chunkCount, by: workers) {
                    let start = chunk * chunkLanes
                    let slice = UnsafeMutableBufferPointer(rebasing: elements[start..<min(start + chunkLanes, elements.count)])
                    do {
                        for (mask, subtracting) in masks {
                            try mask.apply(to: slice, startingAtLane: start, subtracting: subtracting)
                        }
                    } catch {
                        failure.withLock { $0 = $0 ?? error }
                        return
                    }
                }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    /// The first `count` lanes of the mask, for tests and inspection.
    func lanes(count: Int) throws -> [UInt64] {
        var lanes = [UInt64](repeating: 0, count: count)
        try lanes.withUnsafeMutableBufferPointer { try apply(to: $0, subtracting: false) }
        return lanes
    }

    /// The counter block of AES block `block`: the block number as a 128-bit big-endian integer.
    private static func counterBlock(_ block: UInt32) throws -> AES._CTR.Nonce {
        var bytes = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: block.bigEndian) { bytes.replaceSubrange(12..<16, with: $0) }
        return try AES._CTR.Nonce(nonceBytes: bytes)
    }

    /// `byteCount` bytes of the AES-CTR keystream of `key` from the 16-byte counter block
    /// `counterBlock` (what the mask is built from), for checking against NIST's vectors.
    static func keystream(key: SymmetricKey, counterBlock: [UInt8], byteCount: Int) throws -> [UInt8] {
        Array(try AES._CTR.encrypt([UInt8](repeating: 0, count: byteCount), using: key,
                                   nonce: try AES._CTR.Nonce(nonceBytes: counterBlock)))
    }
}
