import Foundation
import Learning

/// Where a federated training keeps its state after every round, so that an identical run can
/// continue from the last one (`fit(…, resume=True)`): one checkpoint per training, keyed by
/// what makes two trainings the same one — the model (its specification, seed included), the
/// pods (as identifiers, however the user spelled them) and the protocol's options. The hub
/// keeps the files and indexes them in its store (`Hub.saveCheckpoint`, `Hub.loadCheckpoint`).
public struct TrainingCheckpoints: Sendable {
    let hub: Hub
    /// The training's key: the hex FNV-1a of its model, pods and options.
    public let key: String

    /// The checkpoints of a training of `specification` on `pods` with `options`.
    init(hub: Hub, specification: ModelSpecification, pods: [PodIdentifier], options: FederatedAveragingOptions) {
        var identity = specification.canonicalJSON
        identity.append(contentsOf: Array(pods.map(\.description).sorted().joined(separator: "\n").utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // The options are plain values: encoding them cannot fail.
        identity.append((try? encoder.encode(options)) ?? Data())
        self.hub = hub
        key = String(FNV1a.hash(identity), radix: 16)
    }

    /// The last saved state and where it was read from, or nil if there is none.
    public func last() throws -> (state: TrainingState, record: CheckpointRecord)? {
        try hub.loadCheckpoint(key: key)
    }

    /// Saves the state after a round, replacing the one before.
    func save(_ state: TrainingState) throws {
        try hub.saveCheckpoint(state, key: key)
    }

    /// Forgets the training's checkpoint once it has finished.
    func remove() throws {
        try hub.removeCheckpoint(key: key)
    }
}
