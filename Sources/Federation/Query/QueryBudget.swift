import Foundation
import Synchronization

/// How long one query may run at a pod, and a switch its caller can throw to stop it early
/// (the modeller's call was cancelled or passed its deadline). SQLite's progress handler
/// asks `shouldStop` every thousand steps of the query's program.
final class QueryBudget: Sendable {
    /// The time allowed, in seconds.
    let seconds: Double
    private let deadline: ContinuousClock.Instant
    private let cancelled = Atomic<Bool>(false)

    /// A budget of `seconds` from now.
    init(seconds: Double) {
        self.seconds = seconds
        deadline = .now + .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// Stops the query at its next check.
    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// True once `cancel()` was called.
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// True when the query must stop: cancelled, or out of time.
    var shouldStop: Bool { isCancelled || ContinuousClock.now >= deadline }
}
