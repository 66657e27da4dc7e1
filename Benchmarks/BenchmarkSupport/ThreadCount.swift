import Foundation

/// The most threads this process had when sampled (Linux: the entries of /proc/self/task),
/// for the claim that the modeller's threads stay few as pods grow: measured by the scale
/// benchmark and checked by a test.
public final class ThreadCount: @unchecked Sendable {
    private let lock = NSLock()
    private var peak = 0

    public init() {}

    /// Counts the threads now.
    public func sample() {
        let count = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
        lock.withLock { peak = max(peak, count) }
    }

    /// The most threads sampled.
    public var most: Int { lock.withLock { peak } }
}
