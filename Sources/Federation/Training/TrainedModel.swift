import Foundation
import Learning

/// A model as the modeller holds it: its specification (columns, encoders, architecture,
/// hyperparameters), its parameters, the standardisation of its continuous inputs and the
/// batches its batch norms saw. Saved as safetensors with all of that in the file (the
/// layout is docs/model-files.md), so loading it restores a model that encodes and predicts
/// identically, and a reader other than bf can score new rows with it.
public struct TrainedModel: Sendable, Codable, Equatable {
    /// The metadata key of the specification's JSON.
    public static let specificationKey = "bf.specification"
    /// The metadata key of the target's classes, as JSON, for readers other than bf.
    public static let classesKey = "bf.classes"
    /// The metadata key of the standardisation's JSON (`ModelStandardisation`), when known.
    public static let standardisationKey = "bf.standardisation"

    /// What the model is.
    public let specification: ModelSpecification
    /// Its parameters, batch-norm running statistics included.
    public let parameters: ParameterSet
    /// How each pod that trained it standardised the continuous inputs, and pooled; nil for
    /// a model that no pod trained.
    public let standardisation: ModelStandardisation?
    /// The training batches its batch norms saw (PyTorch's `num_batches_tracked`).
    public let batchesTracked: Int

    /// A model; throws when the parameters do not fit the specification.
    public init(specification: ModelSpecification, parameters: ParameterSet, standardisation: ModelStandardisation? = nil,
                batchesTracked: Int = 0) throws(TrainingError) {
        _ = try specification.makeClassifier(parameters: parameters)
        if let standardisation, standardisation.columns != specification.continuous {
            throw .invalidModel(.invalidMetadata(key: Self.standardisationKey, reason: "it names columns \(standardisation.columns), not the model's \(specification.continuous)"))
        }
        self.specification = specification
        self.parameters = parameters
        self.standardisation = standardisation
        self.batchesTracked = batchesTracked
    }

    /// A model freshly initialised from its specification's seed.
    public init(initialising specification: ModelSpecification) throws(TrainingError) {
        self.specification = specification
        parameters = try specification.makeClassifier().parameters()
        standardisation = nil
        batchesTracked = 0
    }

    /// Writes the model to `path` as safetensors; `metadata` adds entries (a bf version, a
    /// note), which may not use the names bf reserves.
    public func save(to path: String, metadata: [String: String] = [:]) throws(TrainingError) {
        let classifier = try specification.makeClassifier(parameters: parameters)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var entries = metadata
        for key in [Self.specificationKey, Self.classesKey, Self.standardisationKey] where metadata[key] != nil {
            throw .invalidModel(.invalidMetadata(key: key, reason: "the name is reserved for the model's own description; choose another key"))
        }
        entries[Self.specificationKey] = String(decoding: specification.canonicalJSON, as: UTF8.self)
        // Plain value types: their encoding cannot fail.
        entries[Self.classesKey] = String(decoding: (try? encoder.encode(specification.classes)) ?? Data("[]".utf8), as: UTF8.self)
        if let standardisation, let json = try? encoder.encode(standardisation) {
            entries[Self.standardisationKey] = String(decoding: json, as: UTF8.self)
        }
        do throws(LearningError) {
            try ClassifierCheckpoint.save(classifier, batchesTracked: batchesTracked, metadata: entries, to: path)
        } catch {
            throw Self.fileError(error, path: path, writing: true)
        }
    }

    /// Reads a model written by `save`; refuses, naming the file, one that is not a bf
    /// model, is truncated or damaged, or is of a newer format version.
    public static func load(from path: String) throws(TrainingError) -> TrainedModel {
        let checkpoint: ClassifierCheckpoint
        do throws(LearningError) {
            checkpoint = try ClassifierCheckpoint.load(from: path)
        } catch {
            throw fileError(error, path: path)
        }
        guard let text = checkpoint.metadata[specificationKey] else {
            throw .modelFile(path: path, reason: "is not a bf model: its metadata has no '\(specificationKey)'")
        }
        let specification: ModelSpecification
        do {
            specification = try JSONDecoder().decode(ModelSpecification.self, from: Data(text.utf8))
        } catch {
            throw .modelFile(path: path, reason: "is damaged: its '\(specificationKey)' is not a model specification")
        }
        var standardisation: ModelStandardisation?
        if let text = checkpoint.metadata[standardisationKey] {
            do {
                standardisation = try JSONDecoder().decode(ModelStandardisation.self, from: Data(text.utf8))
            } catch {
                throw .modelFile(path: path, reason: "is damaged: its '\(standardisationKey)' is not the standardisation of the inputs")
            }
        }
        do throws(TrainingError) {
            return try TrainedModel(specification: specification, parameters: checkpoint.classifier.parameters(),
                                    standardisation: standardisation, batchesTracked: checkpoint.batchesTracked)
        } catch {
            throw .modelFile(path: path, reason: "does not describe one model: \(error.message)")
        }
    }

    /// A file error of the Learning layer as the model-file error a user reads.
    private static func fileError(_ error: LearningError, path: String, writing: Bool = false) -> TrainingError {
        switch error {
        case let .fileAccess(_, reason):
            return .modelFileAccess(path: path, reason: reason, writing: writing)
        case let .truncatedFile(part, needed, available):
            return .modelFile(path: path, reason: "is truncated: its \(part) needs \(needed) bytes but only \(available) remain")
        case let .corruptFile(reason):
            return .modelFile(path: path, reason: "is not a bf model: it is not a valid safetensors file (\(reason))")
        case let .notAModelFile(reason):
            return .modelFile(path: path, reason: "is not a bf model: \(reason)")
        case let .missingMetadata(key):
            return .modelFile(path: path, reason: "is not a bf model: its metadata has no '\(key)'")
        case let .newerFormat(version, newest):
            return .modelFile(path: path, reason: "was written by a newer bf (model format version \(version); this bf reads versions up to \(newest)): update bf to load it")
        default:
            return .modelFile(path: path, reason: "cannot be \(writing ? "written" : "loaded"): \(error.description)")
        }
    }
}
