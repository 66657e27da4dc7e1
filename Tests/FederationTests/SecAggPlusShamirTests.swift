import XCTest
@testable import Federation

/// Shamir secret sharing over GF(2^127 − 1), checked against values computed by hand.
final class SecAggPlusShamirTests: XCTestCase {
    private typealias Element = PrimeFieldElement
    private let p = PrimeFieldElement.modulus

    func testFieldArithmeticMatchesHandComputation() {
        XCTAssertEqual(Element(UInt128(1) << 126) * Element(2), .one, "2^127 ≡ 1")
        XCTAssertEqual(Element(p - 1) * Element(p - 1), .one, "(−1)² = 1")
        XCTAssertEqual(Element(p - 1) + Element(2), .one)
        XCTAssertEqual(Element.zero - Element.one, Element(p - 1))
        XCTAssertEqual(Element(-3), Element(p - 3))
        XCTAssertEqual(Element(UInt128.max), .one, "2^128 − 1 = 2p + 1")
        XCTAssertEqual(Element(p), .zero)
        XCTAssertEqual(Element(2).inverse, Element(UInt128(1) << 126))
        XCTAssertEqual(Element(6).inverse.map { $0 * Element(6) }, Element.one)
        XCTAssertNil(Element.zero.inverse)
        // (2^100 + 3)(2^100 + 5) = 2^200 + 8 · 2^100 + 15, and 2^200 = 2^127 · 2^73 ≡ 2^73.
        let big = Element((UInt128(1) << 100) + 3) * Element((UInt128(1) << 100) + 5)
        XCTAssertEqual(big, Element((UInt128(1) << 73) + (UInt128(8) << 100) + 15))
    }

    func testKnownPolynomialEvaluatedByHand() {
        // f(x) = 7 + 3x + 5x²: f(1..5) = 15, 33, 61, 99, 147.
        let f = [Element(7), Element(3), Element(5)]
        XCTAssertEqual((1...5).map { ShamirSecretSharing.evaluate(f, at: Element($0)) },
                       [15, 33, 61, 99, 147].map { Element($0) })
        // −(1 + x) at 1 and 2: p − 2 and p − 3.
        let negative = [Element(p - 1), Element(p - 1)]
        XCTAssertEqual(ShamirSecretSharing.evaluate(negative, at: Element(1)), Element(p - 2))
        XCTAssertEqual(ShamirSecretSharing.evaluate(negative, at: Element(2)), Element(p - 3))
    }

    func testAnyThreeOfFiveHandSharesGiveTheSecretAndTwoDoNot() {
        let shares = [(1, 15), (2, 33), (3, 61), (4, 99), (5, 147)].map { (x: Element($0.0), y: Element($0.1)) }
        for i in 0..<5 {
            for j in (i + 1)..<5 {
                for k in (j + 1)..<5 {
                    XCTAssertEqual(ShamirSecretSharing.interpolateAtZero([shares[i], shares[j], shares[k]]), Element(7),
                                   "shares \(i + 1), \(j + 1), \(k + 1)")
                }
            }
        }
        // Two shares fix only a line: through (1, 15) and (2, 33) it is 18x − 3, so p − 3 at 0.
        XCTAssertEqual(ShamirSecretSharing.interpolateAtZero([shares[0], shares[1]]), Element(p - 3))
        // Lagrange weights at 0 for x = 1, 2, 3 are 3, −3 and 1: 3·15 − 3·33 + 61 = 7.
        XCTAssertEqual(Element(3) * Element(15) - Element(3) * Element(33) + Element(61), Element(7))
    }

    func testAThirtyTwoByteSecretIsRebuiltFromAnyThreeOfFiveShares() throws {
        let secret = (0..<32).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
        var generator = SeededGenerator(seed: 42)
        let shares = ShamirSecretSharing.split(secret, threshold: 3, points: [1, 2, 3, 4, 5], using: &generator)
        XCTAssertEqual(shares.map(\.x), [1, 2, 3, 4, 5])
        XCTAssertEqual(shares[0].values.count, 3, "15 + 15 + 2 bytes")
        XCTAssertEqual(shares[0].valueBytes.count, SecAggPlusEncryptedShares.shareByteCount)
        for first in 0..<5 {
            for second in (first + 1)..<5 {
                for third in (second + 1)..<5 {
                    let chosen = [shares[third], shares[first], shares[second]]
                    XCTAssertEqual(try ShamirSecretSharing.combine(chosen, threshold: 3, secretByteCount: 32), secret)
                }
                XCTAssertThrowsError(try ShamirSecretSharing.combine(
                    [shares[first], shares[second]], threshold: 3, secretByteCount: 32)) { error in
                    XCTAssertEqual(error as? ShamirError, .tooFewShares(count: 2, threshold: 3))
                }
            }
        }
        XCTAssertEqual(try ShamirSecretSharing.combine(shares, threshold: 3, secretByteCount: 32), secret)
        XCTAssertEqual(try ShamirSecretSharing.combine(Array(shares.suffix(4)), threshold: 3, secretByteCount: 32), secret)
    }

    func testSharesOfTheSameSecretDifferEachTime() {
        let secret = [UInt8](repeating: 9, count: 32)
        var generator = SystemRandomNumberGenerator()
        let first = ShamirSecretSharing.split(secret, threshold: 2, points: [1, 2], using: &generator)
        let second = ShamirSecretSharing.split(secret, threshold: 2, points: [1, 2], using: &generator)
        XCTAssertNotEqual(first, second)
    }

    func testChunksAreFifteenByteBigEndianIntegers() {
        let secret = [UInt8](repeating: 0, count: 14) + [1] + [0xFF] + [UInt8](repeating: 0, count: 14) + [1, 2]
        XCTAssertEqual(ShamirSecretSharing.chunks(of: secret), [Element(1), Element(UInt128(0xFF) << 112), Element(258)])
    }

    func testAlteredSharesAreDetectedNotSilentlyWrong() {
        // With points 1, 2, 3 the secret is 3·y1 − 3·y2 + y3, so adding 1 to y2 subtracts 3:
        // the last chunk, 0x0001, becomes p − 2, which no 2-byte chunk can be. (A random
        // alteration lands in range with chance 2^-7 for a full chunk, which is why the
        // modeller also checks rebuilt secrets against the pods' advertisements.)
        let secret = [UInt8](repeating: 0x11, count: 30) + [0, 1]
        var generator = SeededGenerator(seed: 7)
        var shares = ShamirSecretSharing.split(secret, threshold: 3, points: [1, 2, 3], using: &generator)
        XCTAssertEqual(try ShamirSecretSharing.combine(shares, threshold: 3, secretByteCount: 32), secret)
        var values = shares[1].values
        values[2] = values[2] + .one
        shares[1] = ShamirShare(x: 2, values: values)
        XCTAssertThrowsError(try ShamirSecretSharing.combine(shares, threshold: 3, secretByteCount: 32)) { error in
            XCTAssertEqual(error as? ShamirError, .inconsistentShares)
        }
        let duplicated = [shares[0], shares[0], shares[2]]
        XCTAssertThrowsError(try ShamirSecretSharing.combine(duplicated, threshold: 3, secretByteCount: 32)) { error in
            XCTAssertEqual(error as? ShamirError, .duplicatePoint(x: 1))
        }
        let short = [shares[0], shares[2], ShamirShare(x: 2, values: [.one])]
        XCTAssertThrowsError(try ShamirSecretSharing.combine(short, threshold: 3, secretByteCount: 32)) { error in
            XCTAssertEqual(error as? ShamirError, .malformedShare(x: 2))
        }
    }

    func testShareBytesRoundTripAndRefuseValuesOutsideTheField() {
        let share = ShamirShare(x: 4, values: [Element(1), Element(p - 1), Element(UInt128(0xABCD) << 64)])
        XCTAssertEqual(ShamirShare(x: 4, valueBytes: share.valueBytes), share)
        XCTAssertEqual(Array(share.valueBytes.prefix(16)), [UInt8](repeating: 0, count: 15) + [1])
        XCTAssertNil(ShamirShare(x: 1, valueBytes: [0x7F] + [UInt8](repeating: 0xFF, count: 15)), "p itself")
        XCTAssertNil(ShamirShare(x: 1, valueBytes: [UInt8](repeating: 0, count: 15)), "not a whole value")
        XCTAssertNil(ShamirShare(x: 0, valueBytes: [UInt8](repeating: 0, count: 16)), "point 0 is the secret")
    }
}
