import Crypto
import Foundation

/// A pod's ephemeral X25519 public key for one secure-aggregation round, signed with the
/// pod's Ed25519 identity key.
///
/// The signature covers the pod's identifier, the public key and the round's whole
/// `SecureAggregationContext`, so the modeller, which relays the shares, can neither
/// substitute its own key (a man in the middle) nor replay a share from another task,
/// round or attempt.
public struct SignedKeyShare: Sendable, Codable, Hashable {
    /// The pod that made the share.
    public let pod: String
    /// The round the share was made for.
    public let context: SecureAggregationContext
    /// The raw 32-byte X25519 public key.
    public let publicKey: Data
    /// The Ed25519 signature over `signedBytes(pod:context:publicKey:)`.
    public let signature: Data

    /// Wraps already-made fields, as a key share is received (a transport decodes it);
    /// `isSigned(by:)` tells whether they verify.
    public init(pod: String, context: SecureAggregationContext, publicKey: Data, signature: Data) {
        self.pod = pod
        self.context = context
        self.publicKey = publicKey
        self.signature = signature
    }

    /// Makes and signs the share of `pod` for `agreementKey` with `identity`.
    init(
        pod: String,
        context: SecureAggregationContext,
        agreementKey: Curve25519.KeyAgreement.PublicKey,
        identity: Curve25519.Signing.PrivateKey
    ) throws {
        let publicKey = agreementKey.rawRepresentation
        let signature = try identity.signature(
            for: Self.signedBytes(pod: pod, context: context, publicKey: publicKey))
        self.init(pod: pod, context: context, publicKey: publicKey, signature: signature)
    }

    /// Whether the signature verifies against `identity`, the pod's known identity key.
    func isSigned(by identity: Curve25519.Signing.PublicKey) -> Bool {
        identity.isValidSignature(
            signature, for: Self.signedBytes(pod: pod, context: context, publicKey: publicKey))
    }

    /// The bytes a share's signature covers.
    static func signedBytes(pod: String, context: SecureAggregationContext, publicKey: Data) -> [UInt8] {
        var encoding = CanonicalBytes(domain: "bf secure aggregation key share v1")
        encoding.append(bytes: context.digest)
        encoding.append(pod)
        encoding.append(bytes: publicKey)
        return encoding.bytes
    }
}
