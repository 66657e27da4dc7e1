import Crypto
import Foundation
import XCTest
@testable import Federation

final class AggregationMaskTests: XCTestCase {
    private func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.filter(\.isHexDigit))
        return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(digits[$0...$0 + 1]), radix: 16) }
    }

    private func keyBytes(_ key: SymmetricKey) -> [UInt8] {
        key.withUnsafeBytes { Array($0) }
    }

    // MARK: AES-256-CTR (NIST SP 800-38A)

    func testAES256CTRVectorOfSP800_38A_F5_5() throws {
        // CTR-AES256.Encrypt: the keystream XOR the four plaintext blocks gives the ciphertext.
        let plaintext = bytes("""
            6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
            30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710
            """)
        let keystream = try PairwiseMask.keystream(
            key: SymmetricKey(data: bytes("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")),
            counterBlock: bytes("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), byteCount: 64)
        XCTAssertEqual(zip(plaintext, keystream).map { $0 ^ $1 }, bytes("""
            601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5
            2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6
            """))
    }

    func testMaskLanesAreTheLittleEndianKeystream() throws {
        // All-zero key, counter from 0: block 0 is AES-256(0) = dc95c078a2408989ad48a21492842087
        // (and so on, as `openssl enc -aes-256-ctr` gives), read eight bytes a lane.
        let mask = PairwiseMask(key: SymmetricKey(data: [UInt8](repeating: 0, count: 32)))
        XCTAssertEqual(try mask.lanes(count: 8), [
            0x8989_40A2_78C0_95DC, 0x8720_8492_14A2_48AD, 0xB936_45C7_FB8A_0F53, 0x8B73_CBC4_F1B4_63A9,
            0x6E6B_604D_3D40_A7CE, 0x189D_F3BA_D3C5_4E07, 0x742A_A637_CA03_6072, 0x8E35_0675_8EF5_A2D1,
        ])
    }

    func testMaskSlicesContinueTheStreamAcrossChunks() throws {
        let key = SymmetricKey(data: Array(UInt8(100)..<UInt8(132)))
        let mask = PairwiseMask(key: key)
        let lanes = try mask.lanes(count: PairwiseMask.chunkLanes + 24)
        // The chunk ends at block chunkLanes/2; the counter block is that number, big-endian.
        let block = UInt32(PairwiseMask.chunkLanes / PairwiseMask.lanesPerBlock)
        let counter = [UInt8](repeating: 0, count: 12) + withUnsafeBytes(of: block.bigEndian) { Array($0) }
        let tail = try PairwiseMask.keystream(key: key, counterBlock: counter, byteCount: 24 * 8)
        let expectedTail = (0..<24).map { lane in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(tail[lane * 8 + $1]) << (8 * UInt64($1)) }
        }
        XCTAssertEqual(Array(lanes.suffix(24)), expectedTail)
        // Applying from a block-aligned offset gives the same lanes.
        var slice = [UInt64](repeating: 0, count: 24)
        try slice.withUnsafeMutableBufferPointer {
            try mask.apply(to: $0, startingAtLane: PairwiseMask.chunkLanes, subtracting: false)
        }
        XCTAssertEqual(slice, expectedTail)
    }

    func testMasksDealtOutAmongWorkersGiveTheSameSum() throws {
        // Seven chunks and a ragged end, three masks (one subtracted), one to four workers.
        let count = 6 * PairwiseMask.chunkLanes + 1_001
        let masks = (0..<3).map { index in
            (mask: PairwiseMask(key: SymmetricKey(data: [UInt8](repeating: UInt8(index + 1), count: 32))), subtracting: index == 1)
        }
        let start = (0..<count).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        var expected = start
        for (mask, subtracting) in masks {
            let lanes = try mask.lanes(count: count)
            for index in 0..<count { expected[index] = subtracting ? expected[index] &- lanes[index] : expected[index] &+ lanes[index] }
        }
        for workers in 1...4 {
            var elements = start
            try PairwiseMask.apply(masks, to: &elements, workers: workers)
            XCTAssertEqual(elements, expected, "\(workers) workers")
        }
    }

    // MARK: Pairwise seeds

    private func sessionPair(round: Int, pods: [String] = ["a", "b", "c"]) throws -> [String: SecureAggregationPodSession] {
        let context = try SecureAggregationContext(
            taskIdentifier: "task", round: round, participants: pods, parameterCount: 16, maximumSampleCount: 10)
        return try Dictionary(uniqueKeysWithValues: pods.map { pod in
            (pod, try SecureAggregationPodSession(
                pod: pod, identity: makeIdentity(pod), context: context, agreementKey: makeAgreementKey(pod, round: round)))
        })
    }

    private func masks(of pod: String, in sessions: [String: SecureAggregationPodSession]) throws
        -> [String: (key: [UInt8], subtracts: Bool)]
    {
        let identities = try Dictionary(uniqueKeysWithValues: sessions.keys.map { ($0, try makeIdentity($0).publicKey) })
        let session = try XCTUnwrap(sessions[pod])
        let masks = try session.pairwiseMasks(keyShares: sessions.values.map(\.keyShare), identities: identities)
        return Dictionary(uniqueKeysWithValues: masks.map { ($0.peer, (keyBytes($0.mask.key), $0.subtracts)) })
    }

    func testPairwiseSeedsAreSymmetric() throws {
        let sessions = try sessionPair(round: 0)
        let a = try masks(of: "a", in: sessions)
        let b = try masks(of: "b", in: sessions)
        let c = try masks(of: "c", in: sessions)
        XCTAssertEqual(a["b"]?.key, b["a"]?.key)
        XCTAssertEqual(a["c"]?.key, c["a"]?.key)
        XCTAssertEqual(b["c"]?.key, c["b"]?.key)
        XCTAssertEqual(a["b"]?.key.count, 32)
        // The lower identifier adds, the higher subtracts.
        XCTAssertEqual(a["b"]?.subtracts, false)
        XCTAssertEqual(b["a"]?.subtracts, true)
        XCTAssertEqual(b["c"]?.subtracts, false)
        XCTAssertEqual(c["b"]?.subtracts, true)
        // Every pair has its own seed.
        XCTAssertNotEqual(a["b"]?.key, a["c"]?.key)
        XCTAssertNotEqual(a["c"]?.key, b["c"]?.key)
    }

    func testSeedsDifferBetweenRoundsEvenWithTheSameKeys() throws {
        // Same agreement keys, different round: HKDF's salt binds the round.
        let context0 = try SecureAggregationContext(
            taskIdentifier: "task", round: 0, participants: ["a", "b"], parameterCount: 16, maximumSampleCount: 10)
        let context1 = try SecureAggregationContext(
            taskIdentifier: "task", round: 1, participants: ["a", "b"], parameterCount: 16, maximumSampleCount: 10)
        let secret = try makeAgreementKey("a", round: 0).sharedSecretFromKeyAgreement(
            with: makeAgreementKey("b", round: 0).publicKey)
        let round0 = PairwiseMask(sharedSecret: secret, context: context0, pod: "a", peer: "b")
        let round1 = PairwiseMask(sharedSecret: secret, context: context1, pod: "a", peer: "b")
        let reversed = PairwiseMask(sharedSecret: secret, context: context0, pod: "b", peer: "a")
        XCTAssertNotEqual(keyBytes(round0.key), keyBytes(round1.key))
        XCTAssertEqual(keyBytes(round0.key), keyBytes(reversed.key))
    }

    // MARK: Statistics of a masked update

    private static let laneCount = 1 << 18

    /// Pod "b"'s masked update and its plaintext encoding, in a fixed three-pod round, so "b"
    /// adds one mask (to "c") and subtracts another (from "a").
    private func maskedAndPlain() throws -> (masked: [UInt64], plain: [UInt64]) {
        let count = Self.laneCount - 1
        let context = try SecureAggregationContext(
            taskIdentifier: "task", round: 7, participants: ["a", "b", "c"], parameterCount: count,
            maximumSampleCount: 1_000)
        let all = try Dictionary(uniqueKeysWithValues: ["a", "b", "c"].map { pod in
            (pod, try SecureAggregationPodSession(
                pod: pod, identity: makeIdentity(pod), context: context, agreementKey: makeAgreementKey(pod, round: 7)))
        })
        // A smooth, structured plaintext: most top bytes are 0x00 or 0xff.
        let delta = (0..<count).map { Float(sin(Double($0) * 0.001) * 100) }
        let identities = try Dictionary(uniqueKeysWithValues: ["a", "b", "c"].map { ($0, try makeIdentity($0).publicKey) })
        let b = try XCTUnwrap(all["b"])
        let masked = try b.mask(
            delta: delta, sampleCount: 1_000, keyShares: all.values.map(\.keyShare), identities: identities)
        let plain = try FixedPointEncoding.encode(delta: delta, weight: 1_000, pod: "b", context: context)
        return (masked.maskedElements, plain)
    }

    /// Pearson's χ² of the top byte against the uniform distribution (255 degrees of freedom).
    private func topByteChiSquare(_ values: [UInt64]) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for value in values { counts[Int(value >> 56)] += 1 }
        let expected = Double(values.count) / 256
        return counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }

    func testMaskedUpdateIsIndistinguishableFromUniform() throws {
        let (masked, plain) = try maskedAndPlain()
        XCTAssertEqual(masked.count, Self.laneCount)
        // χ²(255) exceeds 414.5 with probability 1e-9 (scipy.stats.chi2.isf(1e-9, 255)).
        let threshold = 414.5
        XCTAssertLessThan(topByteChiSquare(masked), threshold)
        // The test has power: the same statistic on the unmasked encoding is enormous.
        XCTAssertGreaterThan(topByteChiSquare(plain), 1_000 * threshold)

        // Every bit is set about half the time: |ones − N/2| ≤ 6.1σ, σ = √N / 2
        // (two-sided 1e-9 per bit).
        let n = Double(masked.count)
        let allowance = 6.11 * n.squareRoot() / 2
        for bit in 0..<64 {
            let ones = masked.reduce(0) { $0 + Int(($1 >> UInt64(bit)) & 1) }
            XCTAssertLessThanOrEqual(abs(Double(ones) - n / 2), allowance, "bit \(bit) of the masked update is biased")
        }
    }

    func testMaskedUpdateIsUncorrelatedWithThePlaintext() throws {
        let (masked, plain) = try maskedAndPlain()
        func correlation(_ x: [Double], _ y: [Double]) -> Double {
            let n = Double(x.count)
            let meanX = x.reduce(0, +) / n
            let meanY = y.reduce(0, +) / n
            var sxy = 0.0, sxx = 0.0, syy = 0.0
            for (a, b) in zip(x, y) {
                sxy += (a - meanX) * (b - meanY)
                sxx += (a - meanX) * (a - meanX)
                syy += (b - meanY) * (b - meanY)
            }
            return sxy / (sxx * syy).squareRoot()
        }
        let plainValues = plain.map { Double(Int64(bitPattern: $0)) }
        let maskedValues = masked.map { Double(Int64(bitPattern: $0)) }
        // Under independence r·√N is about standard normal; 6.11 is a two-sided 1e-9 bound.
        let bound = 6.11 / Double(masked.count).squareRoot()
        XCTAssertLessThan(abs(correlation(plainValues, maskedValues)), bound)
        // Nor does the sign of the masked value follow the sign of the plaintext.
        let agreeing = zip(plain, masked).reduce(0) { $0 + (($1.0 >> 63) == ($1.1 >> 63) ? 1 : 0) }
        let n = Double(masked.count)
        XCTAssertLessThanOrEqual(abs(Double(agreeing) - n / 2), 6.11 * n.squareRoot() / 2)
        // Sanity: the plaintext is strongly correlated with itself shifted by one element.
        XCTAssertGreaterThan(correlation(Array(plainValues.dropFirst()), Array(plainValues.dropLast())), 0.99)
    }
}
