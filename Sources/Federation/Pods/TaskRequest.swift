import Foundation

/// A modeller's signed request for a pod to take part in a task.
///
/// The signature covers a canonical encoding of every other field (a
/// version tag, then each field as a 4-byte big-endian length and its UTF-8
/// bytes), so a pod can check who sent it and that nothing was changed; the
/// nonce and timestamp stop a recorded request from being replayed.
public struct TaskRequest: Sendable, Codable, Equatable {
    /// Unique per request; answers and the audit log refer to it.
    public let id: UUID
    /// The user name the request claims to come from.
    public let modeller: String
    /// What the task does.
    public let kind: TaskKind
    /// Every pod of the task, in the modeller's order.
    public let pods: [PodIdentifier]
    /// Whether updates are combined by secure aggregation.
    public let secureAggregation: Bool
    /// Free-form particulars (a query, a model summary), shown in the audit log.
    public let detail: String
    /// When it was signed, in milliseconds since 1970.
    public let timestamp: Int64
    /// 16 random bytes.
    public let nonce: Data
    /// Ed25519 signature of `signedBytes`.
    public let signature: Data

    /// A request built from its fields, signature included (as received).
    public init(id: UUID, modeller: String, kind: TaskKind, pods: [PodIdentifier], secureAggregation: Bool,
                detail: String, timestamp: Int64, nonce: Data, signature: Data) {
        self.id = id
        self.modeller = modeller
        self.kind = kind
        self.pods = pods
        self.secureAggregation = secureAggregation
        self.detail = detail
        self.timestamp = timestamp
        self.nonce = nonce
        self.signature = signature
    }

    /// A new request signed by `identity` at `date`.
    public static func signed(kind: TaskKind, pods: [PodIdentifier], secureAggregation: Bool = false, detail: String = "",
                              by identity: LocalIdentity, at date: Date = Date()) throws(IdentityError) -> TaskRequest {
        let unsigned = TaskRequest(id: UUID(), modeller: identity.name, kind: kind, pods: pods,
                                   secureAggregation: secureAggregation, detail: detail,
                                   timestamp: date.millisecondsSince1970, nonce: NonceLedger.freshNonce(), signature: Data())
        return unsigned.replacingSignature(try identity.sign(unsigned.signedBytes))
    }

    /// The same request with another signature.
    func replacingSignature(_ signature: Data) -> TaskRequest {
        TaskRequest(id: id, modeller: modeller, kind: kind, pods: pods, secureAggregation: secureAggregation,
                    detail: detail, timestamp: timestamp, nonce: nonce, signature: signature)
    }

    /// The canonical bytes the signature covers.
    public var signedBytes: Data {
        var bytes = Data("bf task request v1".utf8)
        func field(_ text: String) {
            let utf8 = Data(text.utf8)
            withUnsafeBytes(of: UInt32(utf8.count).bigEndian) { bytes.append(contentsOf: $0) }
            bytes.append(utf8)
        }
        field(id.uuidString)
        field(modeller)
        field(kind.rawValue)
        field(String(pods.count))
        pods.forEach { field($0.description) }
        field(secureAggregation ? "secure" : "plain")
        field(detail)
        field(String(timestamp))
        field(nonce.map { String(format: "%02x", $0) }.joined())
        return bytes
    }
}
