import Learning

/// A pod's rows encoded for a model, per part of its split: what the pod itself trains and
/// scores on. Only the pod's owner can have them (`Hub.encodedRows`).
public struct EncodedRows: Sendable {
    /// The training rows.
    public let train: TabularDataset
    /// The validation rows.
    public let validation: TabularDataset
    /// The test rows.
    public let test: TabularDataset
    /// Rows left out because their target is missing.
    public let droppedRows: Int
}

extension Hub {
    /// `pod`'s rows encoded for `specification` exactly as the pod encodes them for a task,
    /// for the pod's owner alone (local experiments, and benchmarks against other engines on
    /// the same inputs). The rows stay on the owner's machine: no modeller reaches this, and
    /// nothing here crosses a `PodConnection`.
    public func encodedRows(of pod: PodIdentifier, for specification: ModelSpecification,
                            by owner: LocalIdentity) async throws -> EncodedRows {
        guard pod.owner == owner.name, try store.publicKey(of: owner.name) == owner.publicKey else {
            throw HubError.notOwner(pod: pod, user: owner.name, action: "read its rows")
        }
        guard try store.podRow(pod) != nil else { throw HubError.noSuchPod(pod.description, suggestion: nil) }
        let data = try EncodedPodData(try await actor(for: pod).dataset(), specification: specification, pod: pod)
        return EncodedRows(train: data.train, validation: data.validation, test: data.test, droppedRows: data.droppedRows)
    }
}
