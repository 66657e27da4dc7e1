/// The kinds of task a modeller can ask a pod to run.
public enum TaskKind: String, Sendable, Codable, CaseIterable {
    /// Read the pod's schema.
    case schema
    /// Train a model (federated averaging).
    case train
    /// Evaluate a model on the pod's test rows.
    case evaluate
    /// Run an aggregate SQL query.
    case sql
    /// Predict with a model on the pod's rows.
    case predict

    /// How messages name the task: "train tasks", "sql tasks".
    var plural: String { "\(rawValue) tasks" }
}
