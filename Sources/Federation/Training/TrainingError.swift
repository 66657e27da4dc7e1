import Diagnostics
import Foundation
import Learning

/// Why a model cannot be specified, encoded, trained or evaluated across pods.
///
/// Every case names the column, pod, round or setting at fault; `problems` says what to do.
public enum TrainingError: FederationError, Equatable, PodDataMismatchReporting {
    // The model specification.
    /// The data structure names no target, so there is nothing to predict.
    case noTarget
    /// The target is not among the combined schema's columns.
    case targetNotInSchema(String)
    /// The target is not categorical.
    case targetNotCategorical(column: String, semanticType: SemanticType)
    /// The target has fewer than two values.
    case tooFewClasses(column: String, count: Int)
    /// No categorical or continuous column is left to learn from.
    case noInputColumns(skipped: [String])
    /// A categorical input has no values.
    case emptyCategoricalColumn(String)
    /// The layout, architecture or hyperparameters are invalid.
    case invalidModel(LearningError)
    /// A model file cannot be loaded or written: unreadable, truncated, not a bf model, or of
    /// a newer format version. `reason` follows the file's name: "is truncated: …".
    /// A model file could not be read or written (`reason` says why: "no such file", "is a folder").
    case modelFileAccess(path: String, reason: String, writing: Bool)
    case modelFile(path: String, reason: String)

    // Protocol options.
    /// Both `epochs_between_parameter_updates` and `steps_between_parameter_updates` were given.
    case bothUpdateIntervals
    /// The update interval counts epochs but the model trains by steps, or the reverse.
    case updateIntervalKind(given: String, modelUses: String)
    /// An update interval is below 1.
    case updateIntervalNotPositive(name: String, value: Int)
    /// The model's epochs or steps are not a multiple of the update interval.
    case updateIntervalDoesNotDivide(name: String, total: Int, totalName: String, interval: Int)
    /// The FedProx coefficient is negative or not finite.
    case invalidProximalCoefficient(Double)
    /// Secure aggregation was asked for with fewer than two pods.
    case secureAggregationNeedsTwoPods(pods: [PodIdentifier])
    /// No pod was named.
    case noPods
    /// The dropout-tolerant settings (threshold, neighbours) do not fit the pods.
    case invalidSecureAggregationSettings(reason: String)
    /// A threshold or neighbour count was given for secure aggregation that does not let
    /// pods drop.
    case dropoutSettingsWithoutDropouts
    /// Too few pods answered the unmasking request of a dropout-tolerant secure round.
    case secureRoundNotUnmasked(round: Int, reason: String)
    /// Too few pods remain for the threshold of dropout-tolerant secure aggregation.
    case secureAggregationBelowThreshold(round: Int, remaining: [PodIdentifier], threshold: Int, dropped: [PodIdentifier])

    // Encoding at a pod.
    /// A column of the specification is not in the pod's table.
    case columnMissingAtPod(column: String, pod: PodIdentifier)
    /// A column has another semantic type at the pod than in the specification.
    case columnTypeAtPod(column: String, pod: PodIdentifier, expected: SemanticType, found: SemanticType)
    /// The pod holds a category the specification's encoder does not know.
    case categoryNotInEncoder(column: String, value: String, pod: PodIdentifier)
    /// A column has no value in any of the pod's training rows, so missing values cannot be filled.
    case noValuesInTrainingRows(column: String, pod: PodIdentifier)
    /// The pod has too few labelled training rows to train on.
    case tooFewTrainingRows(pod: PodIdentifier, rows: Int)

    // Tasks and rounds at a pod.
    /// The pod has no open task with this identifier (never accepted, closed or expired).
    case unknownTask(task: UUID, pod: PodIdentifier)
    /// The task's kind does not allow the operation.
    case operationNotInTask(operation: String, kind: TaskKind, pod: PodIdentifier)
    /// A modeller called on a task another modeller opened.
    case taskOfAnotherModeller(task: UUID, pod: PodIdentifier)
    /// A secure round arrived without the pod's key share for it.
    case noSecureSession(pod: PodIdentifier, round: Int)
    /// The secure round's settings do not fit the task the pod accepted.
    case secureRoundRefused(pod: PodIdentifier, reason: String)
    /// The pod's identity key cannot be used to sign its key share.
    case podIdentityKey(pod: PodIdentifier, reason: String)
    /// The pod stopped a round at a batch boundary because it was cancelled.
    case roundCancelled(pod: PodIdentifier, round: Int, batches: Int)
    /// The parameters sent to a pod do not fit the specification's model.
    case parametersDoNotFit(pod: PodIdentifier, reason: String)
    /// Local training or evaluation failed at a pod.
    case localTrainingFailed(pod: PodIdentifier, reason: String)

    // The modeller's driver.
    /// No pod accepted the task.
    case noPodAccepted(refusals: [AccessDenied.Refusal])
    /// A pod failed during a round; the task stops (`require_all_pods`) or goes on without it.
    case podFailed(pod: PodIdentifier, round: Int, reason: String)
    /// A pod's data does not fit the model at `column` (the model was built on a schema that
    /// is not this pod's, or the pod's data changed since); running again cannot help.
    case podDataDoesNotFit(pod: PodIdentifier, column: String, reason: String)
    /// Every pod of a round failed or was dropped.
    case allPodsDropped(round: Int)
    /// Combining the pods' updates failed.
    case aggregationFailed(round: Int, reason: String)
    /// The run was cancelled; the rounds before `round` are complete.
    case cancelled(round: Int)
    /// A state to resume from does not fit this training.
    case stateDoesNotFit(String)
    /// A differential privacy setting of the modeller's is out of range.
    case invalidPrivacyRequest(field: String, value: String, requirement: String)
    /// The specification's hyperparameters carry DP-SGD noise: only pods choose it.
    case noiseChosenByModeller
    /// Central differential privacy without secure aggregation or with weights by rows.
    case centralPrivacyOptions
    /// A pod cannot reach the task's ε with any noise, or the round would pass its plan.
    case privacyBudgetRefused(pod: PodIdentifier, reason: String)

    /// The column at fault when this error means the pod's data does not fit the model.
    public var mismatchedColumn: String? {
        switch self {
        case let .columnMissingAtPod(column, _), let .columnTypeAtPod(column, _, _, _),
             let .categoryNotInEncoder(column, _, _), let .podDataDoesNotFit(_, column, _):
            return column
        default:
            return nil
        }
    }

    public var isInputOutput: Bool {
        switch self {
        case .invalidModel(.fileAccess), .modelFileAccess: return true
        default: return false
        }
    }

    public var problems: [Problem] {
        switch self {
        case let .modelFileAccess(path, reason, writing):
            return [Problem("model file \(quoted(path)) cannot be \(writing ? "written" : "read"): \(reason)",
                            help: writing ? "choose a path in a folder you can write to"
                                : "check the path; a relative path starts from the current folder")]
        case let .modelFile(path, reason):
            return [Problem("model file \(quoted(path)) \(reason)",
                            help: reason.hasPrefix("is not a bf model") || reason.hasPrefix("is truncated")
                                ? "load a file written by bf's model.serialize(…)" : nil)]
        case .noTarget:
            return [Problem("the data structure has no target column, so there is nothing to predict",
                            help: "give one: datastructure(target=\"TARGET\", …)")]
        case let .targetNotInSchema(column):
            return [Problem("target column \(quoted(column)) is not among the combined schema's columns",
                            help: "combine the pods' schemas with the same data structure the model uses")]
        case let .targetNotCategorical(column, semanticType):
            return [Problem("target column \(quoted(column)) is \(semanticType.rawValue), not categorical",
                            help: "a classifier needs a categorical target; force it with force_stypes: {categorical: [\"\(column)\"]} at the pods")]
        case let .tooFewClasses(column, count):
            return [Problem("target column \(quoted(column)) has \(count) distinct value\(count == 1 ? "" : "s"); a classifier needs at least 2",
                            help: "choose a target with at least two classes")]
        case let .noInputColumns(skipped):
            let detail = skipped.isEmpty ? [] : ["left out (text): " + skipped.map(quoted).joined(separator: ", ")]
            return [Problem("the data structure leaves no categorical or continuous input column", notes: detail,
                            help: "select at least one categorical or continuous column besides the target")]
        case let .emptyCategoricalColumn(column):
            return [Problem("categorical column \(quoted(column)) has no values",
                            help: "leave it out with datastructure(ignore_cols=[\"\(column)\"])")]
        case let .invalidModel(error):
            return [Problem(error.description, help: error.help)]
        case .bothUpdateIntervals:
            return [Problem("both epochs_between_parameter_updates and steps_between_parameter_updates are given",
                            help: "give the one that matches the model: epochs or steps")]
        case let .updateIntervalKind(given, modelUses):
            return [Problem("\(given)_between_parameter_updates is given but the model trains by \(modelUses)",
                            help: "use \(modelUses)_between_parameter_updates, or give the model \(given)")]
        case let .updateIntervalNotPositive(name, value):
            return [Problem("\(name) is \(value): it must be at least 1")]
        case let .updateIntervalDoesNotDivide(name, total, totalName, interval):
            return [Problem("\(totalName) (\(total)) is not a multiple of \(name) (\(interval))",
                            help: "choose \(name) so that it divides \(totalName); rounds = \(totalName) ÷ \(name)")]
        case let .invalidProximalCoefficient(mu):
            return [Problem("FedProx coefficient 'mu' is \(mu): it must be a finite number at least 0")]
        case let .secureAggregationNeedsTwoPods(pods):
            let names = pods.isEmpty ? "no pod" : "only " + quotedList(pods.map(\.name))
            return [Problem("secure aggregation needs at least two pods, and \(names) would take part",
                            help: "add another pod, or train without SecureAggregator()")]
        case .noPods:
            return [Problem("no pod was given to train on", help: "name the pods: pod_identifiers=[\"…\"]")]
        case let .invalidSecureAggregationSettings(reason):
            return [Problem("secure aggregation's settings do not fit the pods: \(reason)",
                            help: "leave threshold and neighbours out for the defaults: a threshold of about "
                                + "two thirds of the pods, every pod a neighbour of every other")]
        case .dropoutSettingsWithoutDropouts:
            return [Problem("SecureAggregator's threshold and neighbours apply only when pods may drop",
                            help: "pass require_all_pods=False to go on without pods that fail, or leave them out")]
        case let .secureRoundNotUnmasked(round, reason):
            return [Problem("the sum of secure round \(round + 1) cannot be unmasked: \(reason)",
                            help: "run the task again when the pods are back: a pod that helped unmask a round takes "
                                + "part in no other attempt of it, since two sums over different pods would reveal "
                                + "the difference")]
        case let .secureAggregationBelowThreshold(round, remaining, threshold, dropped):
            let left = remaining.isEmpty ? "no pod remains" : "only " + quotedList(remaining.map(\.name)) + (remaining.count == 1 ? " remains" : " remain")
            let after = dropped.isEmpty ? "" : " after " + quotedList(dropped.map(\.name)) + " dropped"
            return [Problem("secure aggregation needs \(threshold) pods in round \(round + 1), but \(left)\(after)",
                            help: "run again when the pods are back, or give SecureAggregator a lower threshold")]
        case let .columnMissingAtPod(column, pod):
            return [Problem("column \(quoted(column)) is missing at pod \(quoted(pod.name))",
                            help: "combine the pods' schemas again: the pod's data changed since")]
        case let .columnTypeAtPod(column, pod, expected, found):
            return [Problem("column \(quoted(column)) is \(found.rawValue) at pod \(quoted(pod.name)) but \(expected.rawValue) in the model",
                            help: "combine the pods' schemas again: the pod's data changed since")]
        case let .categoryNotInEncoder(column, value, pod):
            return [Problem("pod \(quoted(pod.name)) holds \(quoted(value)) in categorical column \(quoted(column)), which the model's encoder does not know",
                            help: "combine the schemas of every pod of the task, so the encoder holds every category")]
        case let .noValuesInTrainingRows(column, pod):
            return [Problem("column \(quoted(column)) has no value in any training row of pod \(quoted(pod.name)), so its missing values cannot be filled",
                            help: "leave it out with datastructure(ignore_cols=[\"\(column)\"])")]
        case let .tooFewTrainingRows(pod, rows):
            return [Problem("pod \(quoted(pod.name)) has \(rows) labelled training row\(rows == 1 ? "" : "s"); training needs at least 2",
                            help: "leave the pod out of the task")]
        case let .unknownTask(task, pod):
            return [Problem("pod \(quoted(pod.name)) has no open task \(quoted(task.uuidString)): it was never accepted, or it was closed or expired",
                            help: "start the task again")]
        case let .taskOfAnotherModeller(task, pod):
            return [Problem("task \(quoted(task.uuidString)) at pod \(quoted(pod.name)) belongs to another modeller: only the modeller who opened it may use it",
                            help: "open a task of your own")]
        case let .operationNotInTask(operation, kind, pod):
            return [Problem("pod \(quoted(pod.name)) accepted a \(kind.rawValue) task, which does not allow \(operation)",
                            help: "ask the pod for a task of the right kind")]
        case let .noSecureSession(pod, round):
            return [Problem("pod \(quoted(pod.name)) has no key share for secure round \(round + 1)",
                            help: "ask every pod for its key share before sending the round")]
        case let .secureRoundRefused(pod, reason):
            return [Problem("pod \(quoted(pod.name)) refused the secure round: \(reason)")]
        case let .podIdentityKey(pod, reason):
            return [Problem("pod \(quoted(pod.name)) cannot sign its key share: \(reason)",
                            help: "the pod's owner key must be the one the hub holds")]
        case let .roundCancelled(pod, round, batches):
            return [Problem("pod \(quoted(pod.name)) stopped round \(round + 1) after batch \(batches): cancelled")]
        case let .parametersDoNotFit(pod, reason):
            return [Problem("the parameters sent to pod \(quoted(pod.name)) do not fit the model: \(reason)")]
        case let .localTrainingFailed(pod, reason):
            return [Problem("pod \(quoted(pod.name)) failed: \(reason)")]
        case let .noPodAccepted(refusals):
            let labels = PodLabels(refusals.map(\.pod))
            return [Problem("no pod accepted the task",
                            notes: labels.aligned(refusals.map { ($0.pod, $0.rejection.reason) }),
                            help: refusals.first?.rejection.help)]
        case let .podFailed(pod, round, reason):
            return [Problem("pod \(quoted(pod.name)) failed in round \(round + 1): \(reason)",
                            help: "run again, or pass require_all_pods=False to go on without a pod that fails")]
        case let .podDataDoesNotFit(pod, column, reason):
            return [Problem(reason.hasPrefix("pod ") ? reason : "pod \(quoted(pod.name)): \(reason)",
                            help: "build the model on the schema of every pod it trains on, combine_pod_schemas([…]), "
                                + "which shows how the pods differ; or leave the column out with "
                                + "DataStructure(ignore_cols=[\"\(column)\"])")]
        case let .allPodsDropped(round):
            return [Problem("every pod failed or was dropped in round \(round + 1)", help: "check the pods and run again")]
        case let .aggregationFailed(round, reason):
            return [Problem("combining the pods' updates of round \(round + 1) failed: \(reason)")]
        case let .cancelled(round):
            return [Problem("training was cancelled in round \(round + 1)",
                            help: round > 0 ? "the rounds before it are complete" : nil)]
        case let .stateDoesNotFit(reason):
            return [Problem("the saved training state does not fit this training: \(reason)")]
        case let .invalidPrivacyRequest(field, value, requirement):
            return [Problem("differential privacy setting \(quoted(field)) is \(value): it must be \(requirement)",
                            help: "e.g. dp_config=DPModellerConfig(epsilon=3, delta=1e-6, max_grad_norm=1.0)")]
        case .noiseChosenByModeller:
            return [Problem("the model's hyperparameters set DP-SGD noise, which only the pods choose",
                            help: "ask for a privacy budget instead: dp_config=DPModellerConfig(epsilon=3)")]
        case .centralPrivacyOptions:
            return [Problem(
                "central differential privacy needs secure aggregation and pods weighted equally: each pod adds a share of the noise "
                    + "that is enough only in the sum, and a pod's weight would scale what its data can change",
                help: "train with aggregator=SecureAggregator(), weighting=\"equal\"; or use mode=\"local\" (DP-SGD at every pod)")]
        case let .privacyBudgetRefused(pod, reason):
            return [Problem("pod \(quoted(pod.name)) refused to train privately: \(reason)",
                            help: "ask for a larger epsilon, fewer rounds or epochs, or a smaller batch size")]
        }
    }

}
