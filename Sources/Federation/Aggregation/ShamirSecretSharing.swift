import Foundation
/// An element of the prime field GF(p) with p = 2^127 − 1, the field Shamir's scheme works in.
///
/// Why this field: p is a Mersenne prime, so reducing a 254-bit product is two shifts and
/// adds on Swift's `UInt128`; a 32-byte secret is three elements (15-byte chunks, 120 bits,
/// always below p), so a share is 48 bytes; and the field has room for any number of
/// holders, where GF(2^8) byte-wise sharing stops at 255 and needs log tables for its
/// multiplication. Small values behave like ordinary integers, which lets the tests check
/// polynomials computed by hand.
///
/// Not constant-time: the conditional subtractions branch on values. Shares are made once
/// per round on the pod that owns the secret and combined on the modeller, neither of
/// which gives an attacker a timing oracle across many secrets; the exponent of the
/// inverse is the public p − 2.
struct PrimeFieldElement: Hashable, Sendable, CustomStringConvertible {
    /// p = 2^127 − 1.
    static let modulus: UInt128 = (1 << 127) - 1

    static let zero = PrimeFieldElement(UInt128(0))
    static let one = PrimeFieldElement(UInt128(1))

    /// The canonical representative, 0 ..< p.
    let value: UInt128

    /// The element `value mod p`.
    init(_ value: UInt128) {
        self.value = Self.reduced(value)
    }

    /// The element `value mod p`; `value` may be negative.
    init(_ value: Int) {
        let magnitude = Self(UInt128(value.magnitude))
        self = value < 0 ? .zero - magnitude : magnitude
    }

    var description: String { String(value) }

    static func + (left: Self, right: Self) -> Self {
        // Both are below 2^127, so the sum fits 128 bits.
        Self(left.value &+ right.value)
    }

    static func - (left: Self, right: Self) -> Self {
        Self(left.value >= right.value ? left.value - right.value : left.value + (modulus - right.value))
    }

    static func * (left: Self, right: Self) -> Self {
        // high · 2^128 + low ≡ 2 · high + (low >> 127) + (low & p), since 2^127 ≡ 1 (mod p);
        // high < 2^126, so the sum stays below 2^128.
        let (high, low) = left.value.multipliedFullWidth(by: right.value)
        return Self(2 &* high &+ (low >> 127) &+ (low & modulus))
    }

    /// The multiplicative inverse, by Fermat: a^(p−2). Nil for zero.
    var inverse: Self? {
        guard value != 0 else { return nil }
        var result = Self.one
        var base = self
        var exponent = Self.modulus - 2
        while exponent > 0 {
            if exponent & 1 == 1 { result = result * base }
            base = base * base
            exponent >>= 1
        }
        return result
    }

    /// A uniformly random element.
    static func random(using generator: inout some RandomNumberGenerator) -> Self {
        Self(UInt128.random(in: 0..<modulus, using: &generator))
    }

    /// Reduces any 128-bit value below p: fold bit 127 back in (2^127 ≡ 1), then subtract
    /// p once if needed.
    private static func reduced(_ value: UInt128) -> UInt128 {
        let folded = (value & modulus) + (value >> 127)
        return folded >= modulus ? folded - modulus : folded
    }
}

/// One holder's share of a secret: the holder's point x and the sharing polynomials'
/// values there, one per 15-byte chunk of the secret.
public struct ShamirShare: Sendable, Hashable {
    /// The holder's evaluation point, 1 or more (the secret sits at 0).
    public let x: Int
    /// f_c(x) for each chunk c.
    let values: [PrimeFieldElement]

    init(x: Int, values: [PrimeFieldElement]) {
        self.x = x
        self.values = values
    }

    /// The values as 16-byte big-endian integers, one after another.
    public var valueBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 16)
        for value in values {
            withUnsafeBytes(of: value.value.bigEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// A share read back from `valueBytes`; nil when the length is not a whole number of
    /// 16-byte values or a value is not below p.
    public init?(x: Int, valueBytes: some Collection<UInt8>) {
        let bytes = Array(valueBytes)
        guard x >= 1, bytes.count % 16 == 0 else { return nil }
        var values: [PrimeFieldElement] = []
        for start in stride(from: 0, to: bytes.count, by: 16) {
            let value = bytes[start..<(start + 16)].reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
            guard value < PrimeFieldElement.modulus else { return nil }
            values.append(PrimeFieldElement(value))
        }
        self.init(x: x, values: values)
    }
}

extension ShamirShare: Codable {
    private enum CodingKeys: String, CodingKey { case x, valueBytes = "value_bytes" }

    /// Decodes a share, refusing a point below 1 or values that are not field elements.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let x = try container.decode(Int.self, forKey: .x)
        guard let share = ShamirShare(x: x, valueBytes: try container.decode(Data.self, forKey: .valueBytes)) else {
            throw DecodingError.dataCorruptedError(
                forKey: .valueBytes, in: container,
                debugDescription: "a share at point \(x) must be 16-byte values below 2^127 − 1 at a point of 1 or more")
        }
        self = share
    }

    /// Encodes the point and the values' bytes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(x, forKey: .x)
        try container.encode(Data(valueBytes), forKey: .valueBytes)
    }
}

/// Why shares did not give back a secret.
enum ShamirError: Error, Equatable, Sendable {
    /// Fewer shares than the threshold.
    case tooFewShares(count: Int, threshold: Int)
    /// Two shares claim the same point.
    case duplicatePoint(x: Int)
    /// A share's point is not positive or it holds the wrong number of values.
    case malformedShare(x: Int)
    /// The shares interpolate to something that is not a secret of the expected length
    /// (a share was altered or comes from another secret).
    case inconsistentShares
}

/// Shamir's (t, n) threshold secret sharing of byte strings over GF(2^127 − 1).
///
/// A secret is cut into 15-byte big-endian chunks s_c; for each chunk a polynomial
/// f_c(x) = s_c + a_1 x + … + a_{t−1} x^{t−1} with uniformly random coefficients is drawn,
/// and the holder at point x gets f_c(x) for every chunk. Any t shares give back each s_c by
/// Lagrange interpolation at 0; any t − 1 shares are uniformly distributed whatever the
/// secret, so they tell nothing about it.
enum ShamirSecretSharing {
    /// Bytes per field element of the secret: 120 bits, safely below p.
    static let chunkByteCount = 15

    /// Splits `secret` into one share per point in `points` (distinct, 1 or more), any
    /// `threshold` of which reconstruct it.
    static func split(
        _ secret: [UInt8], threshold: Int, points: [Int], using generator: inout some RandomNumberGenerator
    ) -> [ShamirShare] {
        precondition(threshold >= 1 && points.allSatisfy { $0 >= 1 }, "shares need a threshold and positive points")
        let polynomials = chunks(of: secret).map { chunk in
            [chunk] + (1..<threshold).map { _ in PrimeFieldElement.random(using: &generator) }
        }
        return points.map { x in
            ShamirShare(x: x, values: polynomials.map { evaluate($0, at: PrimeFieldElement(x)) })
        }
    }

    /// The secret of `secretByteCount` bytes that `shares` reconstruct; uses the first
    /// `threshold` shares by point.
    static func combine(_ shares: [ShamirShare], threshold: Int, secretByteCount: Int) throws(ShamirError) -> [UInt8] {
        guard shares.count >= threshold, threshold >= 1 else {
            throw .tooFewShares(count: shares.count, threshold: threshold)
        }
        let chunkCount = (secretByteCount + chunkByteCount - 1) / chunkByteCount
        var seen: Set<Int> = []
        for share in shares {
            guard share.x >= 1, share.values.count == chunkCount else { throw .malformedShare(x: share.x) }
            guard seen.insert(share.x).inserted else { throw .duplicatePoint(x: share.x) }
        }
        let used = shares.sorted { $0.x < $1.x }.prefix(threshold)
        let coefficients = lagrangeCoefficientsAtZero(used.map { PrimeFieldElement($0.x) })
        var secret: [UInt8] = []
        for chunk in 0..<chunkCount {
            let value = zip(coefficients, used).reduce(PrimeFieldElement.zero) { $0 + $1.0 * $1.1.values[chunk] }.value
            let byteCount = min(chunkByteCount, secretByteCount - chunk * chunkByteCount)
            guard value >> (8 * byteCount) == 0 else { throw .inconsistentShares }
            secret += (0..<byteCount).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        return secret
    }

    /// The secret's chunks as field elements, 15 bytes each (the last may be shorter).
    static func chunks(of secret: [UInt8]) -> [PrimeFieldElement] {
        stride(from: 0, to: secret.count, by: chunkByteCount).map { start in
            let chunk = secret[start..<min(start + chunkByteCount, secret.count)]
            return PrimeFieldElement(chunk.reduce(UInt128(0)) { $0 << 8 | UInt128($1) })
        }
    }

    /// c_0 + c_1 x + … + c_d x^d, by Horner's rule.
    static func evaluate(_ coefficients: [PrimeFieldElement], at x: PrimeFieldElement) -> PrimeFieldElement {
        coefficients.reversed().reduce(.zero) { $0 * x + $1 }
    }

    /// The value at 0 of the polynomial of least degree through `points` (distinct x):
    /// Σ_i y_i λ_i with the coefficients of `lagrangeCoefficientsAtZero`.
    static func interpolateAtZero(_ points: [(x: PrimeFieldElement, y: PrimeFieldElement)]) -> PrimeFieldElement {
        zip(lagrangeCoefficientsAtZero(points.map(\.x)), points).reduce(.zero) { $0 + $1.0 * $1.1.y }
    }

    /// λ_i = Π_{j≠i} x_j / (x_j − x_i) for distinct `xs`: what turns values at the xs into the
    /// value at 0. They depend only on the points, so one set serves every chunk of a secret,
    /// and the denominators share one field inversion (Montgomery's trick), the costly part of
    /// rebuilding the secrets of hundreds of pods.
    static func lagrangeCoefficientsAtZero(_ xs: [PrimeFieldElement]) -> [PrimeFieldElement] {
        var numerators: [PrimeFieldElement] = []
        var denominators: [PrimeFieldElement] = []
        for (i, x) in xs.enumerated() {
            var numerator = PrimeFieldElement.one
            var denominator = PrimeFieldElement.one
            for (j, other) in xs.enumerated() where j != i {
                numerator = numerator * other
                denominator = denominator * (other - x)
            }
            numerators.append(numerator)
            denominators.append(denominator)
        }
        // before[i] = d_0 ⋯ d_(i−1); walking back from the inverse of the whole product,
        // 1/d_i = before[i] · 1/(d_0 ⋯ d_i).
        var before: [PrimeFieldElement] = []
        var product = PrimeFieldElement.one
        for denominator in denominators {
            before.append(product)
            product = product * denominator
        }
        // Distinct points keep every denominator, so the product, non-zero.
        var inverse = product.inverse ?? .zero
        var coefficients = [PrimeFieldElement](repeating: .zero, count: xs.count)
        for i in xs.indices.reversed() {
            coefficients[i] = numerators[i] * before[i] * inverse
            inverse = inverse * denominators[i]
        }
        return coefficients
    }
}
