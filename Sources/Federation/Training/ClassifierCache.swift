import Learning
import Synchronization

/// Classifiers kept between rounds, so a round reuses their buffers (parameters, gradients,
/// the batch workspace) instead of building the model again: one pool for the process, shared
/// by all its pods.
///
/// A round takes a classifier of its specification, loads the global parameters into it —
/// which replace every value it holds, running statistics included — and gives it back when
/// done; what a round computes is therefore the same as with a new classifier, whichever
/// pod's round used it before. The pool keeps at most `capacity` classifiers, the ones given
/// back last: as many as rounds train at once (`DedicatedThread.capacity`), so a process
/// serving a thousand pods holds a few models between rounds, not a thousand.
final class ClassifierCache: Sendable {
    /// The pool of this process's pods.
    static let shared = ClassifierCache(capacity: DedicatedThread.capacity)

    /// The kept classifiers, oldest first. A classifier is not Sendable, but it moves in and
    /// out of the pool only whole, under the lock: from `take` to `giveBack` one round owns it.
    private struct Kept: @unchecked Sendable {
        var entries: [(specification: ModelSpecification, classifier: TabularClassifier)] = []
    }

    /// A classifier on its way out of the pool.
    private struct Taken: @unchecked Sendable {
        let classifier: TabularClassifier?
    }

    private let capacity: Int
    private let kept = Mutex(Kept())

    /// An empty pool that keeps at most `capacity` classifiers.
    init(capacity: Int) {
        self.capacity = capacity
    }

    /// A kept classifier of `specification`, or a new one when there is none.
    func take(_ specification: ModelSpecification) throws(TrainingError) -> TabularClassifier {
        let taken = kept.withLock { kept in
            guard let index = kept.entries.lastIndex(where: { $0.specification == specification }) else {
                return Taken(classifier: nil)
            }
            return Taken(classifier: kept.entries.remove(at: index).classifier)
        }
        if let classifier = taken.classifier { return classifier }
        return try specification.makeClassifier()
    }

    /// Keeps `classifier`, of `specification`, for a later round, letting go of the oldest
    /// kept one when the pool is full.
    func giveBack(_ classifier: TabularClassifier, of specification: ModelSpecification) {
        let entry = Kept(entries: [(specification, classifier)])
        kept.withLock { kept in
            kept.entries += entry.entries
            if kept.entries.count > capacity { kept.entries.removeFirst(kept.entries.count - capacity) }
        }
    }
}
