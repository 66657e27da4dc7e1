import Federation
import Foundation
import Learning

/// A training's checkpoints as the interpreter names them: one per training, keyed by what
/// makes a training the same one — the model (its specification, seed included), the pods
/// and the protocol's options — so a run with `resume=True` continues from the checkpoint
/// an identical run left. The hub keeps the files and indexes them in its store
/// (`Hub.saveCheckpoint`, `Hub.loadCheckpoint`).
struct Checkpoints {
    let hub: Hub
    /// The training's key: the hex FNV-1a of its model, pods and options.
    let key: String

    /// The checkpoints of a training of `specification` on `pods` with `options`.
    init(hub: Hub, specification: ModelSpecification, pods: [String], options: FederatedAveragingOptions) {
        var identity = specification.canonicalJSON
        identity.append(contentsOf: Array(pods.sorted().joined(separator: "\n").utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        identity.append((try? encoder.encode(options)) ?? Data())
        self.hub = hub
        key = String(Checkpoints.fnv1a(identity), radix: 16)
    }

    /// Saves the state after a round.
    func save(_ state: TrainingState) throws {
        try hub.saveCheckpoint(state, key: key)
    }

    /// The last saved state and where it was read from, or nil if there is none.
    func load() throws -> (state: TrainingState, record: CheckpointRecord)? {
        try hub.loadCheckpoint(key: key)
    }

    /// Forgets the training's checkpoint once it has finished.
    func remove() throws {
        try hub.removeCheckpoint(key: key)
    }

    /// 64-bit FNV-1a: a stable name for the same training across runs.
    static func fnv1a(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
