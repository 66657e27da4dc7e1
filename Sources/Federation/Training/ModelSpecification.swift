import Crypto
import Foundation
import Learning

/// Everything a pod needs to build, encode for and train the modeller's classifier: the
/// columns with their encoders, the architecture and the hyperparameters. It travels with
/// the task request and never holds a row.
///
/// The columns come from the combined schema: the target with its classes, the categorical
/// inputs with their encoders (the combined schema's sorted category lists, so every pod
/// gives a category the same code), and the continuous inputs. Inputs keep the combined
/// schema's column order, categorical first, then continuous. Text columns are no model
/// input; they are listed in `skippedColumns`.
public struct ModelSpecification: Sendable, Codable, Equatable {
    /// A categorical column and its encoder (sorted values → codes 0…n−1).
    public struct CategoricalColumn: Sendable, Codable, Equatable {
        /// The header.
        public let name: String
        /// The codes of its values.
        public let encoder: CategoricalEncoder

        /// A column with its encoder.
        public init(name: String, encoder: CategoricalEncoder) {
            self.name = name
            self.encoder = encoder
        }
    }

    /// The column to predict; its encoder's values are the classes in label order.
    public let target: CategoricalColumn
    /// The categorical inputs, in code order of a dataset row.
    public let categorical: [CategoricalColumn]
    /// The continuous inputs, in value order of a dataset row.
    public let continuous: [String]
    /// Used columns left out of the model because they are neither categorical nor continuous.
    public let skippedColumns: [String]
    /// Hidden layers, dropouts and embedding widths.
    public let architecture: TabularArchitecture
    /// Epochs or steps, batch size, optimizer and seed.
    public let hyperparameters: TrainingHyperparameters
    /// Differentially private training's budget and clipping, when asked for.
    public let privacy: PrivacyRequest?

    /// A specification from explicit columns; validates the model it describes.
    public init(target: CategoricalColumn, categorical: [CategoricalColumn], continuous: [String],
                skippedColumns: [String] = [], architecture: TabularArchitecture = TabularArchitecture(),
                hyperparameters: TrainingHyperparameters, privacy: PrivacyRequest? = nil) throws(TrainingError) {
        guard target.encoder.count >= 2 else { throw .tooFewClasses(column: target.name, count: target.encoder.count) }
        guard !categorical.isEmpty || !continuous.isEmpty else { throw .noInputColumns(skipped: skippedColumns) }
        if let empty = categorical.first(where: { $0.encoder.count == 0 }) { throw .emptyCategoricalColumn(empty.name) }
        self.target = target
        self.categorical = categorical
        self.continuous = continuous
        self.skippedColumns = skippedColumns
        self.architecture = architecture
        self.hyperparameters = hyperparameters
        self.privacy = privacy
        try privacy?.validate()
        // The pod sets DP-SGD's noise itself (see `PrivacyRequest`).
        if hyperparameters.privacy != nil { throw .noiseChosenByModeller }
        do throws(LearningError) {
            try layout.validate()
            try architecture.validate(for: layout)
            try hyperparameters.validate()
        } catch {
            throw .invalidModel(error)
        }
    }

    /// The specification of a classifier over the columns `schema` uses, predicting its target.
    public init(schema: CombinedSchema, architecture: TabularArchitecture = TabularArchitecture(),
                hyperparameters: TrainingHyperparameters, privacy: PrivacyRequest? = nil) throws(TrainingError) {
        guard let targetName = schema.target else { throw .noTarget }
        guard let targetColumn = schema.column(named: targetName) else { throw .targetNotInSchema(targetName) }
        guard targetColumn.semanticType == .categorical, let targetEncoder = targetColumn.encoder else {
            throw .targetNotCategorical(column: targetName, semanticType: targetColumn.semanticType)
        }
        let used = Set(schema.usedColumns)
        var categorical: [CategoricalColumn] = []
        var continuous: [String] = []
        var skipped: [String] = []
        for column in schema.columns where used.contains(column.name) && column.name != targetName {
            switch column.semanticType {
            case .categorical:
                categorical.append(CategoricalColumn(name: column.name, encoder: column.encoder ?? CategoricalEncoder(sortedValues: [])))
            case .continuous:
                continuous.append(column.name)
            case .text, .image:
                skipped.append(column.name)
            }
        }
        try self.init(target: CategoricalColumn(name: targetName, encoder: targetEncoder), categorical: categorical,
                      continuous: continuous, skippedColumns: skipped, architecture: architecture,
                      hyperparameters: hyperparameters, privacy: privacy)
    }

    /// The classifier's inputs and target.
    public var layout: TabularLayout {
        TabularLayout(categorical: categorical.map { .init(name: $0.name, cardinality: $0.encoder.count) },
                      continuousNames: continuous, targetName: target.name, classCount: target.encoder.count)
    }

    /// The classes, in label order.
    public var classes: [String] { target.encoder.values }

    /// The same specification with other hyperparameters.
    public func replacingHyperparameters(_ hyperparameters: TrainingHyperparameters) throws(TrainingError) -> ModelSpecification {
        try ModelSpecification(target: target, categorical: categorical, continuous: continuous, skippedColumns: skippedColumns,
                               architecture: architecture, hyperparameters: hyperparameters, privacy: privacy)
    }

    /// The same specification with another privacy request (nil: none).
    public func replacingPrivacy(_ privacy: PrivacyRequest?) throws(TrainingError) -> ModelSpecification {
        try ModelSpecification(target: target, categorical: categorical, continuous: continuous, skippedColumns: skippedColumns,
                               architecture: architecture, hyperparameters: hyperparameters, privacy: privacy)
    }

    /// A classifier of this specification, initialised from the hyperparameters' seed (as
    /// every federated run starts) or holding `parameters`.
    public func makeClassifier(parameters: ParameterSet? = nil) throws(TrainingError) -> TabularClassifier {
        do throws(LearningError) {
            let classifier = try TabularClassifier(layout: layout, architecture: architecture, seed: hyperparameters.seed)
            if let parameters { try classifier.load(parameters) }
            return classifier
        } catch {
            throw .invalidModel(error)
        }
    }

    /// The canonical JSON of the specification (sorted keys), which its digest covers.
    public var canonicalJSON: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Every field is a plain value type whose encoding cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }

    /// SHA-256 of the canonical JSON, in hex.
    public var digest: String {
        SHA256.hash(data: canonicalJSON).map { String(format: "%02x", $0) }.joined()
    }

    /// A key naming the columns and encoders alone (what a pod's encoding depends on).
    var encodingKey: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let columns = (try? encoder.encode([[target], categorical])) ?? Data()
        let continuousNames = (try? encoder.encode(continuous)) ?? Data()
        return SHA256.hash(data: columns + continuousNames).map { String(format: "%02x", $0) }.joined()
    }

    /// The text a task request carries (and its signature covers) to name this
    /// specification: a summary for the audit log and the digest, which the pod checks
    /// against the specification it receives.
    public var taskDetail: String { taskDetail(rowScores: false) }

    /// `taskDetail`, saying for a prediction task that asks for per-row scores that it does,
    /// so that the request the pod judges and audits carries the question under the
    /// modeller's signature.
    public func taskDetail(rowScores: Bool) -> String {
        let length = hyperparameters.epochs.map { "\($0) epoch\($0 == 1 ? "" : "s")" }
            ?? hyperparameters.steps.map { "\($0) step\($0 == 1 ? "" : "s")" } ?? ""
        return "tabular classifier of \(quoted(target.name)) from \(categorical.count) categorical and "
            + "\(continuous.count) continuous columns, hidden \(architecture.hiddenLayers), \(length), "
            + "batch \(hyperparameters.batchSize), \(hyperparameters.optimizer.name)"
            + (privacy.map { ", \($0.summary)" } ?? "") + "; specification sha256 \(digest)"
            + (rowScores ? "; per-row scores of the test rows requested" : "")
    }
}
