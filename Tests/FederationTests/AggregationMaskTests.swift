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

    // MARK: ChaCha20 (RFC 8439)

    func testChaCha20BlockFunctionVectorOfSection2_3_2() throws {
        let keystream = try PairwiseMask.keystream(
            key: SymmetricKey(data: Array(UInt8(0)...UInt8(31))), nonce: bytes("000000090000004a00000000"),
            counter: 1, byteCount: 64)
        XCTAssertEqual(keystream, bytes("""
            10 f1 e7 e4 d1 3b 59 15 50 0f dd 1f a3 20 71 c4
            c7 d1 f4 c7 33 c0 68 03 04 22 aa 9a c3 d4 6c 4e
            d2 82 64 46 07 9f aa 09 14 c2 d7 05 d9 8b 02 a2
            b5 12 9c d1 de 16 4e b9 cb d0 83 e8 a2 50 3c 4e
            """))
    }

    func testChaCha20EncryptionVectorOfSection2_4_2() throws {
        let plaintext = Array(
            "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."
                .utf8)
        let keystream = try PairwiseMask.keystream(
            key: SymmetricKey(data: Array(UInt8(0)...UInt8(31))), nonce: bytes("000000000000004a00000000"),
            counter: 1, byteCount: plaintext.count)
        let ciphertext = zip(plaintext, keystream).map { $0 ^ $1 }
        XCTAssertEqual(ciphertext, bytes("""
            6e 2e 35 9a 25 68 f9 80 41 ba 07 28 dd 0d 69 81
            e9 7e 7a ec 1d 43 60 c2 0a 27 af cc fd 9f ae 0b
            f9 1b 65 c5 52 47 33 ab 8f 59 3d ab cd 62 b3 57
            16 39 d6 24 e6 51 52 ab 8f 53 0c 35 9f 08 61 d8
            07 ca 0d bf 50 0d 6a 61 56 a3 8e 08 8a 22 b6 5e
            52 bc 51 4d 16 cc f8 06 81 8c e9 1a b7 79 37 36
            5a f9 0b bf 74 a3 5b e6 b4 0b 8e ed f2 78 5e 42
            87 4d
            """))
    }

    func testMaskLanesAreTheLittleEndianKeystream() throws {
        // RFC 8439 appendix A.1 test vector 1: all-zero key and nonce, block counter 0.
        let mask = PairwiseMask(key: SymmetricKey(data: [UInt8](repeating: 0, count: 32)))
        XCTAssertEqual(try mask.lanes(count: 8), [
            0x903D_F1A0_ADE0_B876, 0x28BD_8653_E56A_5D40, 0x1AED_8DA0_B819_D2BD, 0xC70D_778B_CCEF_36A8,
            0x8D48_5751_7C59_41DA, 0x374A_D8B8_3FE0_2477, 0x1CA1_1815_F4B8_436A, 0x8665_EEB2_69B6_87C3,
        ])
    }

    func testMaskSlicesContinueTheStreamAcrossChunks() throws {
        let key = SymmetricKey(data: Array(UInt8(100)..<UInt8(132)))
        let mask = PairwiseMask(key: key)
        let lanes = try mask.lanes(count: PairwiseMask.chunkLanes + 24)
        let tail = try PairwiseMask.keystream(
            key: key, nonce: [UInt8](repeating: 0, count: 12), counter: UInt32(PairwiseMask.chunkLanes / 8),
            byteCount: 24 * 8)
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
