/// The fixed-point code that carries weighted deltas in the ring Z_{2^64}; see
/// `SecureAggregationContext` for the scheme and its error bound.
enum FixedPointEncoding {
    /// Encodes `pod`'s `delta` with weight `weight` as `context.maskedLength` ring elements:
    /// `round(x · (weight / W_max) · 2^f)` per element in two's complement, then `weight`.
    ///
    /// Throws when the length is wrong, a value is not finite or beyond the bound, or the
    /// weight is outside 1…W_max; values are never clipped silently.
    static func encode(
        delta: [Float], weight: Int, pod: String, context: SecureAggregationContext
    ) throws -> [UInt64] {
        guard delta.count == context.parameterCount else {
            throw SecureAggregationError.updateLengthMismatch(
                pod: pod, count: delta.count, expected: context.parameterCount)
        }
        guard weight >= 1, weight <= context.maximumWeight else {
            throw SecureAggregationError.sampleCountOutOfRange(
                pod: pod, sampleCount: weight, maximum: context.maximumWeight)
        }
        let scale = Double(weight) / Double(context.maximumWeight)
            * Double(sign: .plus, exponent: context.fractionalBits, significand: 1)
        let bound = context.valueBound
        // The bound is finite, so this comparison is false for NaN and the infinities too.
        if let index = delta.firstIndex(where: { !($0.magnitude <= bound) }) {
            let value = delta[index]
            guard value.isFinite else { throw SecureAggregationError.nonFiniteValue(pod: pod, index: index) }
            throw SecureAggregationError.valueOutOfBound(pod: pod, index: index, value: value, bound: bound)
        }
        return [UInt64](unsafeUninitializedCapacity: context.maskedLength) { encoded, initialized in
            delta.withUnsafeBufferPointer { delta in
                for index in 0..<delta.count {
                    // Ties to even compiles to one instruction; away-from-zero is a libm call.
                    let scaled = (Double(delta[index]) * scale).rounded(.toNearestOrEven)
                    encoded[index] = UInt64(bitPattern: Int64(scaled))
                }
            }
            encoded[delta.count] = UInt64(weight)
            initialized = delta.count + 1
        }
    }

    /// Decodes the unmasked sum of `podCount` pods' encodings (by default all participants)
    /// into their weighted average delta.
    ///
    /// Throws `SecureAggregationError.inconsistentTotalWeight` when the summed weight is
    /// outside what those pods could have sent (each 1…W_max).
    static func decode(sum: [UInt64], context: SecureAggregationContext, podCount: Int? = nil) throws -> AggregatedUpdate {
        let podCount = podCount ?? context.participants.count
        let totalWeight = sum[context.parameterCount]
        guard totalWeight >= UInt64(podCount), totalWeight <= UInt64(podCount * context.maximumWeight) else {
            throw SecureAggregationError.inconsistentTotalWeight(totalWeight: totalWeight, context: context.summary)
        }
        // sum_i round(x_i · w_i / W_max · 2^f) · W_max / (2^f · Σ w_i) ≈ Σ w_i x_i / Σ w_i.
        let factor = Double(context.maximumWeight)
            * Double(sign: .plus, exponent: -context.fractionalBits, significand: 1) / Double(totalWeight)
        let average = [Float](unsafeUninitializedCapacity: context.parameterCount) { average, initialized in
            sum.withUnsafeBufferPointer { sum in
                for index in 0..<context.parameterCount {
                    average[index] = Float(Double(Int64(bitPattern: sum[index])) * factor)
                }
            }
            initialized = context.parameterCount
        }
        return AggregatedUpdate(delta: average, totalWeight: Int(totalWeight), podCount: podCount)
    }
}
