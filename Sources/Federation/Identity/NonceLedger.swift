import Foundation
import Synchronization

/// The nonces a pod or its server accepted within the allowed clock skew: a nonce is
/// admitted once; older ones are forgotten, since their timestamps are refused anyway.
///
/// A ledger lives in memory, or in the hub's store (`Hub.callLedger(for:)`): a pod server
/// keeps its ledger there, so a call captured before the server restarts is still refused
/// after it (the store keeps a nonce for twice the skew; one write per admitted call).
public final class NonceLedger: Sendable {
    private let seen = Mutex<[Data: Int64]>([:])
    /// Where a persistent ledger keeps its nonces, and under which name.
    private let journal: (store: HubStore, scope: String)?

    /// An empty ledger in memory.
    public init() {
        journal = nil
    }

    /// A ledger kept in `store` under `scope`.
    init(store: HubStore, scope: String) {
        journal = (store, scope)
    }

    /// 16 random bytes for a new request or call.
    static func freshNonce() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Whether `nonce` is new (and now recorded); throws when a persistent ledger cannot
    /// write to its store.
    func admit(_ nonce: Data, timestamp: Int64, now: Int64) throws -> Bool {
        if let journal {
            // Kept for twice the skew, so that a server clock set back by up to one skew
            // still finds the nonces whose calls it would accept again.
            return try journal.store.recordNonce(nonce, scope: journal.scope, timestamp: timestamp,
                                                 forgettingBefore: now - 2 * Pod.allowedClockSkew)
        }
        return seen.withLock { seen in
            if seen.count > 4096 { seen = seen.filter { abs(now - $0.value) <= Pod.allowedClockSkew } }
            return seen.updateValue(timestamp, forKey: nonce) == nil
        }
    }
}

extension Hub {
    /// The ledger of the nonces of calls that servers of `pod` accepted, kept in this hub's
    /// store, so that a call replayed after a server restarts is refused.
    public func callLedger(for pod: PodIdentifier) -> NonceLedger {
        NonceLedger(store: store, scope: "call " + pod.description)
    }
}

extension Date {
    /// Milliseconds since 1970, as requests carry their time.
    var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
