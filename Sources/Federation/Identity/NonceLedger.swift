import Foundation
import Synchronization

/// The nonces a pod or its server accepted within the allowed clock skew: a nonce is
/// admitted once; older ones are forgotten, since their timestamps are refused anyway.
public final class NonceLedger: Sendable {
    private let seen = Mutex<[Data: Int64]>([:])

    /// An empty ledger.
    public init() {}

    /// 16 random bytes for a new request or call.
    static func freshNonce() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Whether `nonce` is new (and now recorded).
    func admit(_ nonce: Data, timestamp: Int64, now: Int64) -> Bool {
        seen.withLock { seen in
            if seen.count > 4096 { seen = seen.filter { abs(now - $0.value) <= Pod.allowedClockSkew } }
            return seen.updateValue(timestamp, forKey: nonce) == nil
        }
    }
}

extension Date {
    /// Milliseconds since 1970, as requests carry their time.
    var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
