import Crypto
import Federation
import Foundation
import GRPCCore
import SwiftProtobuf

/// How a `CallSignature` travels in a call's metadata, and the digest of a request's
/// messages that it signs.
enum CallMetadata {
    static let user = "bf-user"
    static let pod = "bf-pod"
    static let timestamp = "bf-timestamp"
    static let nonce = "bf-nonce"
    static let bodyDigest = "bf-body-digest"
    static let signature = "bf-signature"

    /// SHA-256 over the request's messages, each as its length (8 bytes, big-endian) and its
    /// serialized bytes; both ends serialize with the same protobuf library.
    static func digest(_ messages: [some SwiftProtobuf.Message]) throws -> Data {
        var digest = Digest()
        for message in messages { try digest.add(message) }
        return digest.finalize()
    }

    /// The digest of a request's messages, made as they arrive.
    struct Digest {
        private var hash = SHA256()
        /// The bytes of the messages added so far.
        private(set) var byteCount = 0

        mutating func add(_ message: some SwiftProtobuf.Message) throws {
            let bytes: [UInt8] = try message.serializedBytes()
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { hash.update(bufferPointer: $0) }
            hash.update(data: bytes)
            byteCount += bytes.count
        }

        func finalize() -> Data {
            Data(hash.finalize())
        }
    }

    /// The metadata that carries `signature`.
    static func metadata(_ signature: CallSignature) -> Metadata {
        var metadata = Metadata()
        metadata.addString(signature.user, forKey: user)
        metadata.addString(signature.pod, forKey: pod)
        metadata.addString(String(signature.timestamp), forKey: timestamp)
        metadata.addString(hex(signature.nonce), forKey: nonce)
        metadata.addString(hex(signature.bodyDigest), forKey: bodyDigest)
        metadata.addString(signature.signature.base64EncodedString(), forKey: self.signature)
        return metadata
    }

    /// The signature a call's metadata carries, or why there is none.
    static func signature(in metadata: Metadata, method: String) -> Result<CallSignature, CallRefusal> {
        func value(_ key: String) -> String? { metadata[stringValues: key].first(where: { _ in true }) }
        guard let user = value(user), let pod = value(pod) else { return .failure(.unsigned("no bf-user or bf-pod")) }
        guard let timestampText = value(timestamp), let timestamp = Int64(timestampText),
              let nonce = value(nonce).flatMap(bytes(hex:)), nonce.count == 16,
              let digest = value(bodyDigest).flatMap(bytes(hex:)), digest.count == 32,
              let signature = value(signature).flatMap({ Data(base64Encoded: $0) }) else {
            return .failure(.unsigned("the bf- headers of '\(user)' are malformed"))
        }
        return .success(CallSignature(user: user, pod: pod, method: method, timestamp: timestamp, nonce: nonce,
                                      bodyDigest: digest, signature: signature))
    }

    /// Who a call to `method` of `pod` claims to come from, and why its signature does not
    /// hold (nil when it does): the signature in `metadata`, checked against the caller's key
    /// (`publicKey(user)`, nil for a user the hub does not know), the digest of the call's
    /// messages and the clock, its nonce recorded in `ledger`. What a pod server checks
    /// before anything else of a call.
    static func check(_ metadata: Metadata, method: String, pod: PodIdentifier, bodyDigest: Data,
                      publicKey: (String) throws -> Data?, ledger: NonceLedger,
                      now: Date = Date()) rethrows -> (caller: String, refusal: CallRefusal?) {
        switch signature(in: metadata, method: method) {
        case let .failure(unsigned):
            return ("(unsigned)", unsigned)
        case let .success(signature):
            let refusal = CallRefusal.check(signature, method: method, pod: pod, bodyDigest: bodyDigest,
                                            publicKey: try publicKey(signature.user), ledger: ledger, now: now)
            return (signature.user, refusal)
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ data: Data) -> String {
        var characters = [UInt8]()
        characters.reserveCapacity(data.count * 2)
        for byte in data {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    static func bytes(hex text: String) -> Data? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        func value(_ character: UInt8) -> UInt8? {
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
        var data = Data(capacity: characters.count / 2)
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let high = value(characters[index]), let low = value(characters[index + 1]) else { return nil }
            data.append(high << 4 | low)
        }
        return data
    }
}
