import Foundation

/// What a pod sends the modeller in a secure round: its weighted, fixed-point update with
/// every element hidden under the sum of its pairwise masks.
///
/// The payload is a vector over Z_{2^64} that is uniformly distributed to anyone who lacks
/// the pod's pairwise seeds; only the sum over all participants reveals anything (the
/// weighted sum of their deltas and their total weight). A `MaskedUpdate` can only be made by
/// `SecureAggregationPodSession.mask` or decoded from the wire, and the modeller consumes it
/// only through `SecureAggregationRound`, which keeps nothing but the running sum.
public struct MaskedUpdate: Sendable, Codable, Equatable {
    /// The pod that masked and sent the update.
    public let pod: String
    /// SHA-256 of the round's context, so an update is never summed into another round.
    let contextDigest: Data
    /// The masked ring elements: the parameters, then the weight.
    let maskedElements: [UInt64]

    init(pod: String, contextDigest: Data, maskedElements: [UInt64]) {
        self.pod = pod
        self.contextDigest = contextDigest
        self.maskedElements = maskedElements
    }

    /// How many ring elements the update carries (parameters plus the weight element).
    public var elementCount: Int { maskedElements.count }

    /// The context digest and the masked elements as little-endian bytes, as they cross the
    /// wire (masked, they tell nothing about the pod's delta).
    public var wireForm: (contextDigest: Data, elementBytes: Data) {
        (contextDigest, maskedElements.map(\.littleEndian).withUnsafeBufferPointer { Data(buffer: $0) })
    }

    /// An update received over the wire: `elementBytes` holds little-endian 64-bit elements.
    public init(pod: String, contextDigest: Data, elementBytes: Data) throws(SecureAggregationError) {
        guard elementBytes.count % 8 == 0 else {
            throw .malformedMaskedUpdate(pod: pod, byteCount: elementBytes.count)
        }
        self.init(pod: pod, contextDigest: contextDigest, maskedElements: elementBytes.withUnsafeBytes { bytes in
            (0..<(bytes.count / 8)).map { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        })
    }

    private enum CodingKeys: String, CodingKey {
        case pod, contextDigest = "context_digest", maskedElements = "masked_elements"
    }

    /// Decodes an update whose elements travel as one little-endian byte string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(pod: try container.decode(String.self, forKey: .pod),
                      contextDigest: try container.decode(Data.self, forKey: .contextDigest),
                      elementBytes: try container.decode(Data.self, forKey: .maskedElements))
    }

    /// Encodes the elements as one little-endian byte string (compact on any encoder).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let (digest, bytes) = wireForm
        try container.encode(pod, forKey: .pod)
        try container.encode(digest, forKey: .contextDigest)
        try container.encode(bytes, forKey: .maskedElements)
    }
}
