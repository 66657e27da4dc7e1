import Foundation

/// Saving a classifier as safetensors with everything needed to rebuild it, and loading it
/// back. The file's metadata holds the layout and architecture as JSON under
/// `bf.layout` and `bf.architecture`, a `bf.format` marker, and whatever the caller adds
/// (hyperparameters, encoders, bf version); the caller's keys may not use those three names.
public struct ClassifierCheckpoint {
    /// The metadata key of the format marker.
    public static let formatKey = "bf.format"
    /// The format marker's value.
    public static let formatValue = "bf.tabular-classifier.v1"
    /// The metadata key of the layout JSON.
    public static let layoutKey = "bf.layout"
    /// The metadata key of the architecture JSON.
    public static let architectureKey = "bf.architecture"

    /// The restored classifier, in the state it was saved.
    public let classifier: TabularClassifier
    /// The file's metadata, the classifier's own keys included.
    public let metadata: [String: String]

    /// Saves `classifier`'s parameters with its layout, architecture and `metadata`.
    public static func save(_ classifier: TabularClassifier, metadata: [String: String] = [:], to path: String) throws(LearningError) {
        try Safetensors.write(classifier.parameters(), metadata: try checkpointMetadata(classifier, extra: metadata), to: path)
    }

    /// The safetensors bytes `save` would write.
    public static func encode(_ classifier: TabularClassifier, metadata: [String: String] = [:]) throws(LearningError) -> [UInt8] {
        Safetensors.encode(classifier.parameters(), metadata: try checkpointMetadata(classifier, extra: metadata))
    }

    /// Loads a classifier saved by `save`.
    public static func load(from path: String) throws(LearningError) -> ClassifierCheckpoint {
        try restore(Safetensors.read(from: path))
    }

    /// Rebuilds a classifier from the bytes of a checkpoint.
    public static func decode(_ bytes: [UInt8]) throws(LearningError) -> ClassifierCheckpoint {
        try restore(Safetensors.decode(bytes))
    }

    private static func restore(_ file: SafetensorsFile) throws(LearningError) -> ClassifierCheckpoint {
        guard let format = file.metadata[formatKey] else { throw .missingMetadata(key: formatKey) }
        guard format == formatValue else {
            throw .invalidMetadata(key: formatKey, reason: "'\(format)' is not '\(formatValue)'")
        }
        let layout: TabularLayout = try decodeJSON(file.metadata, key: layoutKey)
        let architecture: TabularArchitecture = try decodeJSON(file.metadata, key: architectureKey)
        try TabularClassifier.checkShapes(of: file.parameters, layout: layout, architecture: architecture)
        let classifier = try TabularClassifier(layout: layout, architecture: architecture, seed: 0)
        try classifier.load(file.parameters)
        return ClassifierCheckpoint(classifier: classifier, metadata: file.metadata)
    }

    private static func checkpointMetadata(_ classifier: TabularClassifier, extra: [String: String]) throws(LearningError) -> [String: String] {
        for key in [formatKey, layoutKey, architectureKey] where extra[key] != nil {
            throw .invalidMetadata(key: key, reason: "the name is reserved for the classifier's own description; choose another key")
        }
        var metadata = extra
        metadata[formatKey] = formatValue
        metadata[layoutKey] = try encodeJSON(classifier.layout, key: layoutKey)
        metadata[architectureKey] = try encodeJSON(classifier.architecture, key: architectureKey)
        return metadata
    }

    private static func encodeJSON<Value: Encodable>(_ value: Value, key: String) throws(LearningError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw .invalidMetadata(key: key, reason: "\(error)")
        }
    }

    private static func decodeJSON<Value: Decodable>(_ metadata: [String: String], key: String) throws(LearningError) -> Value {
        guard let text = metadata[key] else { throw .missingMetadata(key: key) }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch {
            throw .invalidMetadata(key: key, reason: "it is not the expected JSON")
        }
    }
}
