import Foundation

/// Saving a classifier as safetensors with everything needed to rebuild it, and loading it
/// back.
///
/// The tensors are the classifier's, named as PyTorch names the state dict of the
/// equivalent `torch.nn` module (docs/model-files.md), plus one `num_batches_tracked`
/// scalar after each batch norm's `running_var`, as PyTorch keeps it. bf trains its batch
/// norms with a fixed momentum, so that count is bookkeeping: the file carries it for
/// PyTorch and bf hands it back as `batchesTracked`.
///
/// The metadata holds the layout and architecture as JSON under `bf.layout` and
/// `bf.architecture`, the format marker `bf.format` with its version `bf.format_version`,
/// and whatever the caller adds (specification, standardisation, bf version); the caller's
/// keys may not use those names. Version 1 files (marker `bf.tabular-classifier.v1`, no
/// `num_batches_tracked`) still load; files of a newer version are refused.
public struct ClassifierCheckpoint {
    /// The metadata key of the format marker.
    public static let formatKey = "bf.format"
    /// The format marker's value.
    public static let formatValue = "bf.tabular-classifier"
    /// The marker of version 1 files, which had no version key.
    static let versionOneFormatValue = "bf.tabular-classifier.v1"
    /// The metadata key of the format version, a decimal integer.
    public static let formatVersionKey = "bf.format_version"
    /// The version bf writes, and the newest it reads.
    public static let formatVersion = 2
    /// The metadata key of the layout JSON.
    public static let layoutKey = "bf.layout"
    /// The metadata key of the architecture JSON.
    public static let architectureKey = "bf.architecture"
    /// The suffix of the batch-count tensor of each batch norm.
    public static let batchesTrackedSuffix = ".num_batches_tracked"

    /// The restored classifier, in the state it was saved.
    public let classifier: TabularClassifier
    /// The batches the batch norms saw in training (`num_batches_tracked`; 0 in version 1 files).
    public let batchesTracked: Int
    /// The file's metadata, the classifier's own keys included.
    public let metadata: [String: String]

    /// Saves `classifier`'s parameters with its layout, architecture and `metadata`.
    public static func save(_ classifier: TabularClassifier, batchesTracked: Int = 0, metadata: [String: String] = [:],
                            to path: String) throws(LearningError) {
        try Safetensors.write(try fileParameters(classifier, batchesTracked: batchesTracked),
                              metadata: try checkpointMetadata(classifier, extra: metadata), to: path)
    }

    /// The safetensors bytes `save` would write.
    public static func encode(_ classifier: TabularClassifier, batchesTracked: Int = 0,
                              metadata: [String: String] = [:]) throws(LearningError) -> [UInt8] {
        Safetensors.encode(try fileParameters(classifier, batchesTracked: batchesTracked),
                           metadata: try checkpointMetadata(classifier, extra: metadata))
    }

    /// Loads a classifier saved by `save`.
    public static func load(from path: String) throws(LearningError) -> ClassifierCheckpoint {
        try restore(Safetensors.read(from: path))
    }

    /// Rebuilds a classifier from the bytes of a checkpoint.
    public static func decode(_ bytes: [UInt8]) throws(LearningError) -> ClassifierCheckpoint {
        try restore(Safetensors.decode(bytes))
    }

    /// The format version a file's metadata declares; throws when it is not a bf classifier
    /// or is newer than this bf reads.
    public static func formatVersion(of metadata: [String: String]) throws(LearningError) -> Int {
        guard let format = metadata[formatKey] else { throw .notAModelFile(reason: "its metadata has no '\(formatKey)'") }
        if format == versionOneFormatValue { return 1 }
        guard format == formatValue else {
            throw .notAModelFile(reason: "its '\(formatKey)' is '\(format)', not '\(formatValue)'")
        }
        guard let text = metadata[formatVersionKey], let version = Int(text), version >= 1 else {
            throw .invalidMetadata(key: formatVersionKey, reason: "it is \(metadata[formatVersionKey].map { "'\($0)'" } ?? "missing"), not a version number")
        }
        guard version <= formatVersion else { throw .newerFormat(version: version, newest: formatVersion) }
        return version
    }

    private static func restore(_ file: SafetensorsFile) throws(LearningError) -> ClassifierCheckpoint {
        let version = try formatVersion(of: file.metadata)
        let layout: TabularLayout = try decodeJSON(file.metadata, key: layoutKey)
        let architecture: TabularArchitecture = try decodeJSON(file.metadata, key: architectureKey)
        // The batch norms' counts are not parameters of the classifier: the shapes are checked
        // without them, before the classifier the metadata describes is built.
        var parameters = file.parameters
        if version >= 2 {
            let kept = file.parameters.tensors.filter { !$0.name.hasSuffix(batchesTrackedSuffix) }
            parameters = try ParameterSet(kept.map { tensor in
                (tensor.name, tensor.shape, file.parameters.values(of: tensor.name) ?? [])
            })
        }
        try TabularClassifier.checkShapes(of: parameters, layout: layout, architecture: architecture)
        let classifier = try TabularClassifier(layout: layout, architecture: architecture, seed: 0)
        var batchesTracked = 0
        if version >= 2 {
            var counts: [Int] = []
            for prefix in classifier.batchNormPrefixes {
                let name = prefix + batchesTrackedSuffix
                guard let values = file.parameters.values(of: name) else { throw .missingParameter(name) }
                guard file.parameters.shape(of: name) == [], let value = values.first,
                      value >= 0, value == value.rounded(), value < 16_777_216 else {
                    throw .invalidTensor(name: name, reason: "it must be one whole number of batches, of shape []")
                }
                counts.append(Int(value))
            }
            batchesTracked = counts.max() ?? 0
        }
        try classifier.load(parameters)
        return ClassifierCheckpoint(classifier: classifier, batchesTracked: batchesTracked, metadata: file.metadata)
    }

    /// The classifier's tensors with a `num_batches_tracked` scalar after each batch norm's
    /// `running_var`, the order of PyTorch's state dict.
    private static func fileParameters(_ classifier: TabularClassifier, batchesTracked: Int) throws(LearningError) -> ParameterSet {
        guard batchesTracked >= 0, batchesTracked < 16_777_216 else {
            throw .invalidTensor(name: "num_batches_tracked", reason: "\(batchesTracked) batches cannot be stored exactly as a float32")
        }
        let parameters = classifier.parameters()
        let norms = Set(classifier.batchNormPrefixes)
        var entries: [(name: String, shape: [Int], values: [Float])] = []
        for tensor in parameters.tensors {
            entries.append((tensor.name, tensor.shape, parameters.values(of: tensor.name) ?? []))
            if tensor.name.hasSuffix(".running_var"), norms.contains(String(tensor.name.dropLast(".running_var".count))) {
                entries.append((String(tensor.name.dropLast(".running_var".count)) + batchesTrackedSuffix, [], [Float(batchesTracked)]))
            }
        }
        return try ParameterSet(entries)
    }

    private static func checkpointMetadata(_ classifier: TabularClassifier, extra: [String: String]) throws(LearningError) -> [String: String] {
        for key in [formatKey, formatVersionKey, layoutKey, architectureKey] where extra[key] != nil {
            throw .invalidMetadata(key: key, reason: "the name is reserved for the classifier's own description; choose another key")
        }
        var metadata = extra
        metadata[formatKey] = formatValue
        metadata[formatVersionKey] = String(formatVersion)
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
