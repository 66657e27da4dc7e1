import Crypto
import CryptoExtras
import Foundation

/// The mask two pods share for one round: a 256-bit ChaCha20 key derived from their X25519
/// shared secret, expanded into one pseudorandom 64-bit ring element per vector element.
///
/// The key comes from HKDF-SHA256 with the round's context digest as salt (binding task,
/// round, attempt, participants and encoding) and the two pod identifiers in sorted order
/// as info, so both pods of a pair derive the same key and no key serves two rounds. Each
/// key is used for exactly one stream, so the ChaCha20 nonce is fixed at zero. Lane k of the
/// mask is bytes 8k…8k+7 of the RFC 8439 keystream (block counter starting at 0) read as a
/// little-endian UInt64.
struct PairwiseMask: Sendable {
    /// The most lanes one stream can cover: 2^32 ChaCha20 blocks of eight lanes.
    static let maximumLanes = 1 << 35

    /// Lanes produced per call to the cipher: 64 KiB, large enough to amortise the call and
    /// small enough to stay in cache while it is added in.
    static let chunkLanes = 8192

    private static let zeroChunk = [UInt8](repeating: 0, count: chunkLanes * 8)

    /// Each key drives a single stream, so one fixed nonce is safe.
    private static var nonce: Insecure.ChaCha20CTR.Nonce {
        get throws { try Insecure.ChaCha20CTR.Nonce(data: [UInt8](repeating: 0, count: 12)) }
    }

    /// The ChaCha20 key the mask expands.
    let key: SymmetricKey

    /// Wraps an already-derived 32-byte ChaCha20 key.
    init(key: SymmetricKey) {
        self.key = key
    }

    /// Derives the mask `pod` and `peer` share in `context` from their X25519 shared secret.
    init(sharedSecret: SharedSecret, context: SecureAggregationContext, pod: String, peer: String) {
        let (low, high) = pod < peer ? (pod, peer) : (peer, pod)
        var info = CanonicalBytes(domain: "bf secure aggregation pairwise mask v1")
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
    /// `target`, which holds that slice of the vector; `firstLane` is a multiple of 8 (a
    /// ChaCha20 block boundary).
    func apply(to target: UnsafeMutableBufferPointer<UInt64>, startingAtLane firstLane: Int, subtracting: Bool) throws {
        precondition(firstLane % 8 == 0, "a mask slice starts on a ChaCha20 block")
        precondition(firstLane + target.count <= Self.maximumLanes, "mask longer than one ChaCha20 stream")
        var start = 0
        while start < target.count {
            let lanes = min(Self.chunkLanes, target.count - start)
            let counter = try Insecure.ChaCha20CTR.Counter(offset: UInt32((firstLane + start) / 8))
            let stream = try Insecure.ChaCha20CTR.encrypt(
                Self.zeroChunk[0..<(lanes * 8)], using: key, counter: counter, nonce: Self.nonce)
            stream.withUnsafeBytes { stream in
                let chunk = UnsafeMutableBufferPointer(rebasing: target[start..<(start + lanes)])
                if subtracting {
                    for lane in 0..<lanes {
                        chunk[lane] &-= UInt64(littleEndian: stream.loadUnaligned(fromByteOffset: lane &* 8, as: UInt64.self))
                    }
                } else {
                    for lane in 0..<lanes {
                        chunk[lane] &+= UInt64(littleEndian: stream.loadUnaligned(fromByteOffset: lane &* 8, as: UInt64.self))
                    }
                }
            }
            start += lanes
        }
    }

    /// The first `count` lanes of the mask, for tests and inspection.
    func lanes(count: Int) throws -> [UInt64] {
        var lanes = [UInt64](repeating: 0, count: count)
        try lanes.withUnsafeMutableBufferPointer { try apply(to: $0, subtracting: false) }
        return lanes
    }

    /// `byteCount` bytes of the RFC 8439 ChaCha20 keystream of `key` and `nonce` from block
    /// `counter` (what the mask is built from), for checking against the RFC's vectors.
    static func keystream(key: SymmetricKey, nonce: [UInt8], counter: UInt32, byteCount: Int) throws -> [UInt8] {
        let stream = try Insecure.ChaCha20CTR.encrypt(
            [UInt8](repeating: 0, count: byteCount), using: key,
            counter: try Insecure.ChaCha20CTR.Counter(offset: counter),
            nonce: try Insecure.ChaCha20CTR.Nonce(data: nonce))
        return Array(stream)
    }
}
