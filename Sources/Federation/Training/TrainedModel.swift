import Foundation
import Learning

/// A model as the modeller holds it: its specification (columns, encoders, architecture,
/// hyperparameters) and its parameters. Saved as safetensors with the specification in the
/// metadata, so loading it restores a model that encodes and predicts identically.
public struct TrainedModel: Sendable, Codable, Equatable {
    /// The metadata key of the specification's JSON.
    public static let specificationKey = "bf.specification"
    /// The metadata key of the target's classes, as JSON, for readers other than bf.
    public static let classesKey = "bf.classes"

    /// What the model is.
    public let specification: ModelSpecification
    /// Its parameters, batch-norm running statistics included.
    public let parameters: ParameterSet

    /// A model; throws when the parameters do not fit the specification.
    public init(specification: ModelSpecification, parameters: ParameterSet) throws(TrainingError) {
        _ = try specification.makeClassifier(parameters: parameters)
        self.specification = specification
        self.parameters = parameters
    }

    /// A model freshly initialised from its specification's seed.
    public init(initialising specification: ModelSpecification) throws(TrainingError) {
        self.specification = specification
        parameters = try specification.makeClassifier().parameters()
    }

    /// Writes the model to `path` as safetensors; `metadata` adds entries (a bf version, a
    /// note), which may not use the names bf reserves.
    public func save(to path: String, metadata: [String: String] = [:]) throws(TrainingError) {
        let classifier = try specification.makeClassifier(parameters: parameters)
        var entries = metadata
        entries[Self.specificationKey] = String(decoding: specification.canonicalJSON, as: UTF8.self)
        entries[Self.classesKey] = String(decoding: (try? JSONEncoder().encode(specification.classes)) ?? Data("[]".utf8), as: UTF8.self)
        do throws(LearningError) {
            try ClassifierCheckpoint.save(classifier, metadata: entries, to: path)
        } catch {
            throw .invalidModel(error)
        }
    }

    /// Reads a model written by `save`.
    public static func load(from path: String) throws(TrainingError) -> TrainedModel {
        let checkpoint: ClassifierCheckpoint
        do throws(LearningError) {
            checkpoint = try ClassifierCheckpoint.load(from: path)
        } catch {
            throw .invalidModel(error)
        }
        guard let text = checkpoint.metadata[specificationKey] else {
            throw .invalidModel(.missingMetadata(key: specificationKey))
        }
        let specification: ModelSpecification
        do {
            specification = try JSONDecoder().decode(ModelSpecification.self, from: Data(text.utf8))
        } catch {
            throw .invalidModel(.invalidMetadata(key: specificationKey, reason: "it is not a model specification"))
        }
        return try TrainedModel(specification: specification, parameters: checkpoint.classifier.parameters())
    }
}
