import Crypto
import Foundation

/// A pod's public keys for one SecAgg+ round, signed with its Ed25519 identity key: the
/// X25519 key its shares are sealed to, the X25519 key its pairwise masks come from, and a
/// commitment to its self-mask seed.
///
/// The signature covers the pod, the keys, the commitment and the digest of the round's
/// `SecAggPlusSettings` (context, threshold, graph), so the modeller that relays the
/// advertisements can neither substitute its own keys nor replay them into another round,
/// nor tell pods different thresholds or graphs. The commitment (SHA-256 of the seed, bound
/// to the pod and round) lets the modeller check a rebuilt seed, so a false share is an
/// error rather than a wrong sum; a 256-bit random seed cannot be recovered from it.
public struct SecAggPlusKeyAdvertisement: Sendable, Hashable, Codable {
    /// The pod that made the advertisement.
    public let pod: String
    /// SHA-256 of the round's settings.
    public let settingsDigest: Data
    /// The raw X25519 public key shares are sealed to.
    public let encryptionKey: Data
    /// The raw X25519 public key of the pairwise masks.
    public let maskingKey: Data
    /// The commitment to the self-mask seed.
    public let selfMaskCommitment: Data
    /// The Ed25519 signature over `signedBytes`.
    public let signature: Data

    /// Wraps received fields; `isSigned(by:)` tells whether they verify.
    public init(pod: String, settingsDigest: Data, encryptionKey: Data, maskingKey: Data,
                selfMaskCommitment: Data, signature: Data) {
        self.pod = pod
        self.settingsDigest = settingsDigest
        self.encryptionKey = encryptionKey
        self.maskingKey = maskingKey
        self.selfMaskCommitment = selfMaskCommitment
        self.signature = signature
    }

    /// Makes and signs `pod`'s advertisement.
    init(pod: String, settings: SecAggPlusSettings, encryptionKey: Curve25519.KeyAgreement.PublicKey,
         maskingKey: Curve25519.KeyAgreement.PublicKey, selfMaskSeed: [UInt8],
         identity: Curve25519.Signing.PrivateKey) throws {
        let unsigned = SecAggPlusKeyAdvertisement(
            pod: pod, settingsDigest: Data(settings.digest), encryptionKey: encryptionKey.rawRepresentation,
            maskingKey: maskingKey.rawRepresentation,
            selfMaskCommitment: Self.commitment(to: selfMaskSeed, pod: pod, settings: settings), signature: Data())
        self = unsigned.with(signature: try identity.signature(for: unsigned.signedBytes))
    }

    /// Whether the signature verifies against `identity`, the pod's known identity key.
    func isSigned(by identity: Curve25519.Signing.PublicKey) -> Bool {
        identity.isValidSignature(signature, for: signedBytes)
    }

    /// Whether the keys are valid X25519 keys and the commitment is 32 bytes.
    var isWellFormed: Bool {
        (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: encryptionKey)) != nil
            && (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: maskingKey)) != nil
            && selfMaskCommitment.count == 32
    }

    /// The bytes the signature covers.
    var signedBytes: [UInt8] {
        var encoding = CanonicalBytes(domain: "bf secagg+ key advertisement v1")
        encoding.append(bytes: settingsDigest)
        encoding.append(pod)
        encoding.append(bytes: encryptionKey)
        encoding.append(bytes: maskingKey)
        encoding.append(bytes: selfMaskCommitment)
        return encoding.bytes
    }

    /// SHA-256 of the seed, bound to the pod and the round.
    static func commitment(to seed: [UInt8], pod: String, settings: SecAggPlusSettings) -> Data {
        var encoding = CanonicalBytes(domain: "bf secagg+ self-mask commitment v1")
        encoding.append(bytes: settings.digest)
        encoding.append(pod)
        encoding.append(bytes: seed)
        return Data(SHA256.hash(data: encoding.bytes))
    }

    private func with(signature: Data) -> Self {
        Self(pod: pod, settingsDigest: settingsDigest, encryptionKey: encryptionKey, maskingKey: maskingKey,
             selfMaskCommitment: selfMaskCommitment, signature: signature)
    }
}

/// A pod's Shamir shares of its two secrets for one neighbour, sealed so only that
/// neighbour can open them; the modeller only routes them.
///
/// The AES-256-GCM key comes from HKDF-SHA256 over the X25519 agreement of the two pods'
/// encryption keys, with the settings digest as salt and the sender and recipient, in that
/// order, as info, so each direction has its own key and no key serves two rounds. The
/// settings digest, sender and recipient are the authenticated data; the plaintext is the
/// self-mask seed share's values then the masking key share's (`ShamirShare.valueBytes`),
/// at the recipient's point.
public struct SecAggPlusEncryptedShares: Sendable, Hashable, Codable {
    /// The pod whose secrets are shared.
    public let sender: String
    /// The neighbour that holds the shares.
    public let recipient: String
    /// AES-GCM's combined form: nonce, ciphertext, tag.
    public let sealed: Data

    /// Wraps received fields.
    public init(sender: String, recipient: String, sealed: Data) {
        self.sender = sender
        self.recipient = recipient
        self.sealed = sealed
    }

    /// Seals `selfMaskShare` and `maskingKeyShare` from `sender` for `recipient` under `key`.
    init(sender: String, recipient: String, selfMaskShare: ShamirShare, maskingKeyShare: ShamirShare,
         key: SymmetricKey, settings: SecAggPlusSettings) throws {
        let plaintext = selfMaskShare.valueBytes + maskingKeyShare.valueBytes
        let box = try AES.GCM.seal(
            plaintext, using: key,
            authenticating: Self.authenticatedData(sender: sender, recipient: recipient, settings: settings))
        guard let combined = box.combined else { throw SecAggPlusError.unreadableShares(sender: sender, recipient: recipient) }
        self.init(sender: sender, recipient: recipient, sealed: combined)
    }

    /// Opens the shares at `point` with `key`; nil when they do not open or are malformed.
    func open(key: SymmetricKey, point: Int, settings: SecAggPlusSettings) -> (selfMask: ShamirShare, maskingKey: ShamirShare)? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
              let plaintext = try? AES.GCM.open(
                box, using: key,
                authenticating: Self.authenticatedData(sender: sender, recipient: recipient, settings: settings)),
              plaintext.count == 2 * Self.shareByteCount,
              let selfMask = ShamirShare(x: point, valueBytes: plaintext.prefix(Self.shareByteCount)),
              let maskingKey = ShamirShare(x: point, valueBytes: plaintext.suffix(Self.shareByteCount))
        else { return nil }
        return (selfMask, maskingKey)
    }

    /// The sealing key for shares from `sender` to `recipient`.
    static func key(sharedSecret: SharedSecret, sender: String, recipient: String, settings: SecAggPlusSettings) -> SymmetricKey {
        var info = CanonicalBytes(domain: "bf secagg+ share encryption v1")
        info.append(sender)
        info.append(recipient)
        return sharedSecret.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: settings.digest, sharedInfo: info.bytes, outputByteCount: 32)
    }

    /// The bytes of one share of a 32-byte secret: three 16-byte field elements.
    static let shareByteCount = 48

    private static func authenticatedData(sender: String, recipient: String, settings: SecAggPlusSettings) -> [UInt8] {
        var encoding = CanonicalBytes(domain: "bf secagg+ sealed shares v1")
        encoding.append(bytes: settings.digest)
        encoding.append(sender)
        encoding.append(recipient)
        return encoding.bytes
    }
}

/// The modeller's request to each surviving pod once masked inputs are in: which pods
/// survived (their masked input arrived) and which dropped (they shared keys but sent no
/// masked input). A pod answers with self-mask seed shares of the survivors and masking key
/// shares of the dropped, never both for one pod.
public struct SecAggPlusUnmaskRequest: Sendable, Hashable, Codable {
    /// The pods whose masked input arrived, sorted.
    public let survivors: [String]
    /// The pods that shared keys but whose masked input never arrived, sorted.
    public let dropped: [String]

    /// A request naming `survivors` and `dropped`.
    public init(survivors: [String], dropped: [String]) {
        self.survivors = survivors
        self.dropped = dropped
    }
}

/// A pod's answer to the unmasking request: the shares it holds of each survivor's
/// self-mask seed and of each dropped pod's masking key, keyed by the pod they belong to.
public struct SecAggPlusUnmaskResponse: Sendable, Hashable, Codable {
    /// The pod that answered.
    public let pod: String
    /// Shares of survivors' self-mask seeds (this pod's own included).
    public let selfMaskShares: [String: ShamirShare]
    /// Shares of dropped pods' masking keys.
    public let maskingKeyShares: [String: ShamirShare]

    /// Wraps received fields.
    public init(pod: String, selfMaskShares: [String: ShamirShare], maskingKeyShares: [String: ShamirShare]) {
        self.pod = pod
        self.selfMaskShares = selfMaskShares
        self.maskingKeyShares = maskingKeyShares
    }
}

/// The outcome of a SecAgg+ round: the exact sum of the surviving pods' encoded updates and
/// which participants dropped.
public struct SecAggPlusResult: Sendable, Equatable {
    /// Σ over survivors of their fixed-point encodings in Z_{2^64}: the parameters, then the
    /// total weight.
    public let sum: [UInt64]
    /// The pods whose updates are in the sum, sorted.
    public let survivors: [String]
    /// The participants whose updates are not, sorted (dropped at any step).
    public let dropped: [String]

    /// The survivors' weighted average delta, decoded from `sum`.
    public func average(context: SecureAggregationContext) throws -> AggregatedUpdate {
        try FixedPointEncoding.decode(sum: sum, context: context, podCount: survivors.count)
    }
}

extension PairwiseMask {
    /// The self-mask of `pod` in the round of `settings`, expanded from its seed (the same
    /// AES-256-CTR expansion as the pairwise masks, under a key HKDF derives from the seed).
    init(selfMaskSeed seed: [UInt8], pod: String, settings: SecAggPlusSettings) {
        var info = CanonicalBytes(domain: "bf secagg+ self mask v1")
        info.append(pod)
        self.init(key: HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: seed), salt: settings.digest, info: info.bytes, outputByteCount: 32))
    }
}
