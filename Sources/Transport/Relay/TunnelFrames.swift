import Foundation
import GRPCCore
import Synchronization

/// The frames of a relay attachment (`relay.proto`), built and read in one place.
extension Bf_Relay_V1_TunnelFrame {
    /// The pod service's full name, whose calls the relay forwards.
    static let podService = "bf.pod.v1.Pod"

    static func opening(_ call: UInt64, method: String, metadata: Metadata) -> Self {
        .with {
            $0.call = call
            $0.open = .with { open in
                open.method = method
                open.metadata = Self.entries(metadata)
            }
        }
    }

    static func message(_ call: UInt64, _ bytes: Data) -> Self {
        .with {
            $0.call = call
            $0.message = bytes
        }
    }

    static func endOfRequests(_ call: UInt64) -> Self {
        .with {
            $0.call = call
            $0.endOfRequests = true
        }
    }

    static func cancelling(_ call: UInt64) -> Self {
        .with {
            $0.call = call
            $0.cancel = true
        }
    }

    /// The last frame of a call: ok with `trailing` metadata, or `error`'s status.
    static func closing(_ call: UInt64, error: RPCError?, trailing: Metadata = [:]) -> Self {
        .with {
            $0.call = call
            $0.close = .with { close in
                close.code = Int32(error?.code.rawValue ?? 0)
                close.message = error?.message ?? ""
                close.metadata = Self.entries(error?.metadata ?? trailing)
            }
        }
    }

    /// The metadata a call carries across the relay: bf's own (`bf-…`) text values; the
    /// transport's headers stay with the transport.
    static func entries(_ metadata: Metadata) -> [Bf_Relay_V1_MetadataEntry] {
        metadata.compactMap { key, value in
            guard key.hasPrefix("bf-"), case let .string(text) = value else { return nil }
            return .with {
                $0.key = key
                $0.value = text
            }
        }
    }
}

extension Metadata {
    /// The metadata of relayed entries.
    init(_ entries: [Bf_Relay_V1_MetadataEntry]) {
        self.init()
        for entry in entries where entry.key.hasPrefix("bf-") { addString(entry.value, forKey: entry.key) }
    }
}

extension Bf_Relay_V1_CallClose {
    /// The call's error, nil when it ended well.
    var error: RPCError? {
        guard code != 0 else { return nil }
        let code = Status.Code(rawValue: Int(code)).flatMap(RPCError.Code.init) ?? .unknown
        return RPCError(code: code, message: message, metadata: Metadata(metadata))
    }
}

/// A message passed on as its serialized bytes: the relay forwards the pod service's calls
/// without decoding them.
struct RelayedBytes: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Data) throws -> Bytes {
        Bytes(message)
    }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Data {
        serializedMessageBytes.withUnsafeBytes { Data($0) }
    }
}

/// A value shared between the tasks of one attachment, behind a lock.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) {
        self.value = Mutex(value)
    }

    /// Reads or changes the value under the lock.
    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        value.withLock { body(&$0) }
    }

    var current: Value { value.withLock { $0 } }
}
