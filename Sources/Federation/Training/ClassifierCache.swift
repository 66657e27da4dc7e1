import Learning
import Synchronization

/// A pod task's classifier, kept from one round to the next so a round reuses its buffers
/// (parameters, gradients, the batch workspace) instead of building the model again.
///
/// A round takes the classifier, loads the global parameters into it — which replace every
/// value it holds, running statistics included — and gives it back when done; what a round
/// computes is therefore the same as with a new classifier. Rounds of one task run one at a
/// time; should two ever overlap, the second finds the cache empty and builds its own.
final class ClassifierCache: Sendable {
    /// The classifier between rounds. A classifier is not Sendable, but it moves through this
    /// slot only whole, under the lock: from `take` to `giveBack` one round owns it alone.
    private struct Kept: @unchecked Sendable {
        var classifier: TabularClassifier?
    }

    private let slot = Mutex(Kept(classifier: nil))

    /// An empty cache.
    init() {}

    /// The kept classifier, or a new one of `specification` when there is none.
    func take(_ specification: ModelSpecification) throws(TrainingError) -> TabularClassifier {
        let kept = slot.withLock { slot in
            defer { slot.classifier = nil }
            return slot
        }
        if let classifier = kept.classifier { return classifier }
        return try specification.makeClassifier()
    }

    /// Keeps `classifier` for the next round.
    func giveBack(_ classifier: TabularClassifier) {
        let kept = Kept(classifier: classifier)
        slot.withLock { $0 = kept }
    }
}
