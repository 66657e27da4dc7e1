import Foundation
import Synchronization

/// The nonces a pod or its server accepted within the allowed clock skew: a nonce is
/// admitted once; older ones are forgotten, since their timestamps are refused anyway.
///
/// A ledger lives in memory, or in the hub's store (`Hub.callLedger(for:)`): a pod server
/// keeps its ledger there, so a call captured before the server restarts is still refused
/// after it (the store keeps a nonce for twice the skew; one write per admitted call).
public final class NonceLedger: Sendable {
    /// The nonces in memory, with their timestamps, and the count at which they are next
    /// pruned (twice what a prune leaves, so pruning costs O(1) a call however many are live).
    private let seen = Mutex<(nonces: [Data: Int64], pruneAt: Int)>(([:], 4096))
    /// Where a persistent ledger keeps its nonces, and under which name.
    private let journal: (store: HubStore, scope: String)?
    /// When a persistent ledger last forgot the nonces too old to matter (milliseconds).
    private let lastPruned = Mutex<Int64>(0)

    /// An empty ledger in memory.
    public init() {
        journal = nil
    }

    /// A ledger kept in `store` under `scope`.
    init(store: HubStore, scope: String) {
        journal = (store, scope)
    }

    /// How often a persistent ledger forgets old nonces.
    private static let pruneInterval: Int64 = 10_000

    /// 16 random bytes for a new request or call.
    static func freshNonce() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Whether `nonce` is new (and now recorded); throws when a persistent ledger cannot
    /// write to its store.
    func admit(_ nonce: Data, timestamp: Int64, now: Int64) throws -> Bool {
        if let journal {
            let due = lastPruned.withLock { last in
                guard now - last >= Self.pruneInterval || now < last else { return false }
                last = now
                return true
            }
            // Kept for twice the skew, so that a server clock set back by up to one skew
            // still finds the nonces whose calls it would accept again.
            if due { try journal.store.forgetNonces(before: now - 2 * Pod.allowedClockSkew) }
            return try journal.store.recordNonce(nonce, scope: journal.scope, timestamp: timestamp)
        }
        return seen.withLock { seen in
            if seen.nonces.count > seen.pruneAt {
                seen.nonces = seen.nonces.filter { abs(now - $0.value) <= Pod.allowedClockSkew }
                seen.pruneAt = max(4096, 2 * seen.nonces.count)
            }
            return seen.nonces.updateValue(timestamp, forKey: nonce) == nil
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
