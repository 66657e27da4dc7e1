import Files
import Foundation
import Language

/// A training task written as YAML (tutorial 4's task file), read into typed fields.
///
/// ```yaml
/// pods:
///   identifiers: [census-income-demo]
/// data_structure:                 # also accepted under task:, as Bitfount writes it
///   table_config:
///     table: census-income-demo   # or a pod → table mapping
///   assign:
///     target: TARGET
///   select:                       # optional: include or exclude columns
///     exclude: [fnlwgt]
/// task:
///   protocol:
///     name: FederatedAveraging
///     arguments:
///       epochs_between_parameter_updates: 1   # or steps_between_parameter_updates
///   algorithm:
///     name: FederatedModelTraining
///   aggregator:
///     secure: true
///   model:
///     name: PyTorchTabularClassifier
///     hyperparameters:
///       epochs: 2                 # or steps
///       batch_size: 64
///       optimizer:
///         name: SGD
///         params: {lr: 0.001}
///       hidden_layers: [1000, 500] # bf's addition; this is the default
///       seed: 0                    # bf's addition; this is the default
/// ```
/// A task file runs through the same built-ins as a script: `script(name:)` is the bf code
/// it stands for, so `bf run task.yaml` prints what the equivalent script prints.
public struct TaskFile: Sendable, Equatable {
    /// Which tables a task reads: one name for every pod, or one per pod.
    public enum Table: Sendable, Equatable {
        case single(String)
        case perPod([(pod: String, table: String)])

        public static func == (left: Table, right: Table) -> Bool {
            switch (left, right) {
            case let (.single(a), .single(b)): return a == b
            case let (.perPod(a), .perPod(b)): return a.elementsEqual(b) { $0.pod == $1.pod && $0.table == $1.table }
            default: return false
            }
        }
    }

    /// A number as written: whole numbers stay whole in the generated code.
    public enum Number: Sendable, Equatable {
        case int(Int)
        case float(Double)
    }

    /// `task.model.hyperparameters.optimizer`.
    public struct Optimizer: Sendable, Equatable {
        public var name: String
        /// The parameters in the file's order.
        public var params: [(name: String, value: Number)]

        /// An optimizer by name, with its parameters in order.
        public init(name: String, params: [(name: String, value: Number)]) {
            self.name = name
            self.params = params
        }

        public static func == (left: Optimizer, right: Optimizer) -> Bool {
            left.name == right.name && left.params.elementsEqual(right.params) { $0.name == $1.name && $0.value == $1.value }
        }
    }

    /// `pods.identifiers`.
    public var pods: [String]
    /// `data_structure.assign.target`.
    public var target: String
    /// `data_structure.table_config.table`; nil means each pod's own table.
    public var table: Table?
    /// `data_structure.select.include`: use only these columns.
    public var selectedColumns: [String]?
    /// `data_structure.select.exclude`: use every column but these.
    public var ignoredColumns: [String]?
    /// `task.protocol.arguments.epochs_between_parameter_updates`.
    public var epochsBetweenParameterUpdates: Int?
    /// `task.protocol.arguments.steps_between_parameter_updates`.
    public var stepsBetweenParameterUpdates: Int?
    /// `task.protocol.arguments.auto_eval` (bf's addition): score the final model on the test rows.
    public var autoEval: Bool?
    /// `task.aggregator.secure`.
    public var secureAggregation: Bool
    /// `task.model.hyperparameters.epochs`.
    public var epochs: Int?
    /// `task.model.hyperparameters.steps`.
    public var steps: Int?
    /// `task.model.hyperparameters.batch_size`; nil keeps the classifier's default.
    public var batchSize: Int?
    /// `task.model.hyperparameters.optimizer`; nil keeps the classifier's default.
    public var optimizer: Optimizer?
    /// `task.model.hyperparameters.hidden_layers` (bf's addition).
    public var hiddenLayers: [Int]?
    /// `task.model.hyperparameters.seed` (bf's addition).
    public var seed: Int?

    /// The protocol, algorithm and model bf runs; a task file naming others is refused.
    public static let protocolNames = ["FederatedAveraging"]
    public static let algorithmNames = ["FederatedModelTraining"]
    public static let modelNames = ["PyTorchTabularClassifier"]

    /// Reads and checks a task file's text; every problem found is reported at once.
    public static func parse(_ source: SourceFile) throws(TaskFileError) -> TaskFile {
        var reader = TaskFileReader(source: source)
        let task = reader.read()
        guard let task, reader.diagnostics.isEmpty else {
            throw .invalid(source: source, diagnostics: reader.diagnostics)
        }
        return task
    }

    /// Reads and checks the task file at `path`.
    public static func read(path: String) throws(TaskFileError) -> TaskFile {
        let text: String
        do throws(FileError) {
            text = try RegularFile.readText(path)
        } catch {
            throw .cannotRead(path: path, reason: error.reason)
        }
        return try parse(SourceFile(name: path, text: text))
    }

    /// Whether `path` names a task file rather than a script: it ends in .yaml or .yml.
    public static func isTaskFile(_ path: String) -> Bool {
        let suffix = URL(fileURLWithPath: path).pathExtension.lowercased()
        return suffix == "yaml" || suffix == "yml"
    }
}
