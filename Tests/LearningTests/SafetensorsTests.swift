import XCTest
@testable import Learning

/// The safetensors format: exact bytes, round trips, checkpoints and corrupt files.
final class SafetensorsTests: XCTestCase {
    func testExactBytes() throws {
        let set = try ParameterSet([(name: "a", shape: [2], values: [1, -2])])
        let bytes = Safetensors.encode(set)
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        XCTAssertEqual(Array(bytes[0..<8]), [UInt8(padded.utf8.count), 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(String(decoding: bytes[8..<(8 + padded.utf8.count)], as: UTF8.self), padded)
        XCTAssertEqual((8 + padded.utf8.count) % 8, 0)
        // 1.0 = 0x3F800000 and −2.0 = 0xC0000000, little-endian.
        XCTAssertEqual(Array(bytes[(8 + padded.utf8.count)...]), [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])
    }

    func testRoundTripWithMetadata() throws {
        let set = try ParameterSet([
            (name: "layer.weight", shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
            (name: "layer.bias", shape: [2], values: [-0.5, .leastNonzeroMagnitude]),
            (name: "empty", shape: [0], values: []),
        ])
        let metadata = ["bf.version": "0.1", "json": #"{"a": "b\"c"}"#, "newline": "x\ny", "unicode": "café ✓"]
        let file = try Safetensors.decode(Safetensors.encode(set, metadata: metadata))
        XCTAssertEqual(file.parameters, set)
        XCTAssertEqual(file.metadata, metadata)
    }

    func testCheckpointPredictsIdentically() throws {
        let data = try separableDataset(layout: smallLayout, rows: 100, seed: 2)
        let classifier = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [12, 6], hiddenDropouts: [0.1, 0.1]), seed: 3)
        try ClassifierTrainer(model: classifier, hyperparameters: .init(epochs: 2, batchSize: 20)).train(on: data)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bf-learning-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ClassifierCheckpoint.save(classifier, metadata: ["bf.version": "test", "bf.hyperparameters": #"{"epochs":2}"#], to: path)
        let restored = try ClassifierCheckpoint.load(from: path)
        XCTAssertEqual(restored.metadata["bf.version"], "test")
        XCTAssertEqual(restored.metadata["bf.hyperparameters"], #"{"epochs":2}"#)
        XCTAssertEqual(restored.classifier.layout, smallLayout)
        XCTAssertEqual(restored.classifier.architecture, classifier.architecture)
        XCTAssertEqual(restored.classifier.parameters(), classifier.parameters())
        let before = try classifier.predictProbabilities(data)
        let after = try restored.classifier.predictProbabilities(data)
        XCTAssertEqual(before.map(\.bitPattern), after.map(\.bitPattern))
    }

    func testCheckpointTensorsAreNamedAsPyTorchsStateDictAndVersionsAreChecked() throws {
        let classifier = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [3], hiddenDropouts: [0]), seed: 4)
        let bytes = try ClassifierCheckpoint.encode(classifier, batchesTracked: 12)
        let file = try Safetensors.decode(bytes)
        let norms = ["continuous_norm", "layers.0.norm"].flatMap { prefix in
            ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"].map { "\(prefix).\($0)" }
        }
        XCTAssertEqual(file.parameters.names.filter { $0.contains("norm") }, norms)
        XCTAssertEqual(file.parameters.shape(of: "layers.0.norm.num_batches_tracked"), [])
        XCTAssertEqual(file.parameters.values(of: "layers.0.norm.num_batches_tracked"), [12])
        XCTAssertEqual(file.metadata["bf.format_version"], "2")
        let restored = try ClassifierCheckpoint.decode(bytes)
        XCTAssertEqual(restored.batchesTracked, 12)
        XCTAssertEqual(restored.classifier.parameters(), classifier.parameters())

        // A version 1 file: the old marker, no num_batches_tracked.
        var old = file.metadata
        old["bf.format"] = "bf.tabular-classifier.v1"
        old["bf.format_version"] = nil
        let versionOne = Safetensors.encode(classifier.parameters(), metadata: old)
        XCTAssertEqual(try ClassifierCheckpoint.decode(versionOne).classifier.parameters(), classifier.parameters())
        XCTAssertEqual(try ClassifierCheckpoint.decode(versionOne).batchesTracked, 0)

        var newer = file.metadata
        newer["bf.format_version"] = "3"
        XCTAssertEqual(learningError { _ = try ClassifierCheckpoint.decode(Safetensors.encode(file.parameters, metadata: newer)) },
                       .newerFormat(version: 3, newest: 2))
        var missing = file.parameters.tensors.filter { $0.name != "layers.0.norm.num_batches_tracked" }.map(\.name)
        missing.removeAll { $0.isEmpty }
        let withoutCount = try ParameterSet(missing.map { ($0, file.parameters.shape(of: $0) ?? [], file.parameters.values(of: $0) ?? []) })
        XCTAssertEqual(learningError { _ = try ClassifierCheckpoint.decode(Safetensors.encode(withoutCount, metadata: file.metadata)) },
                       .missingParameter("layers.0.norm.num_batches_tracked"))
    }

    func testReservedMetadataKeysAreRefused() throws {
        let classifier = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [2], hiddenDropouts: [0]), seed: 1)
        let error = learningError { _ = try ClassifierCheckpoint.encode(classifier, metadata: ["bf.layout": "x"]) }
        XCTAssertEqual(error?.description, "checkpoint metadata 'bf.layout' cannot be read: the name is reserved for the classifier's own description; choose another key")
    }

    func testCorruptFilesAreReported() throws {
        let set = try ParameterSet([(name: "w", shape: [2, 2], values: [1, 2, 3, 4])])
        let bytes = Safetensors.encode(set)
        let headerLength = Int(bytes[0])

        XCTAssertEqual(learningError { _ = try Safetensors.decode([1, 2, 3]) }, .truncatedFile(part: "header length", needed: 8, available: 3))
        XCTAssertEqual(learningError { _ = try Safetensors.decode(Array(bytes[0..<20])) }, .truncatedFile(part: "header", needed: headerLength, available: 12))
        XCTAssertEqual(
            learningError { _ = try Safetensors.decode(Array(bytes.dropLast(4))) }?.description,
            "file is truncated: its data of tensor 'w' needs 16 bytes but only 12 remain")
        XCTAssertEqual(
            learningError { _ = try Safetensors.decode(bytes + [0, 0, 0, 0]) }?.description,
            "file is not valid safetensors: 4 bytes after the last tensor belong to no tensor")

        var badJSON = bytes
        badJSON[8] = UInt8(ascii: "[")
        XCTAssertEqual(learningError { _ = try Safetensors.decode(badJSON) }?.description, "file is not valid safetensors: its header does not start with '{'")

        var huge = bytes
        huge[7] = 0x10
        XCTAssertNotNil(learningError { _ = try Safetensors.decode(huge) })

        func file(header: String, data: Int) -> [UInt8] {
            var text = Array(header.utf8)
            while text.count % 8 != 0 { text.append(0x20) }
            var result: [UInt8] = [UInt8(text.count & 0xFF), UInt8(text.count >> 8), 0, 0, 0, 0, 0, 0]
            result += text
            result += [UInt8](repeating: 0, count: data)
            return result
        }
        XCTAssertEqual(learningError { _ = try Safetensors.decode(file(header: #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: 4)) }, .unsupportedDType(tensor: "h", dtype: "F16"))
        XCTAssertEqual(
            learningError { _ = try Safetensors.decode(file(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8)) }?.description,
            "file is not valid safetensors: tensor 'a' of shape [3] spans bytes 0..<8, which is not 4 bytes per element")
        XCTAssertEqual(
            learningError { _ = try Safetensors.decode(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: 8)) }?.description,
            "file is not valid safetensors: tensor 'a' starts at byte 4 but the previous tensor ends at 0")
        XCTAssertNotNil(learningError { _ = try Safetensors.decode(file(header: #"{"a":{"dtype":"F32"}}"#, data: 0)) })
        XCTAssertEqual(
            learningError { _ = try ClassifierCheckpoint.decode(bytes) }?.description,
            "the file is not a bf model: its metadata has no 'bf.format'")
        XCTAssertEqual(
            learningError { _ = try Safetensors.read(from: "/nonexistent/bf/model.safetensors") }.map { if case .fileAccess = $0 { return true } else { return false } },
            true)
    }

    /// Found by the safetensors fuzz target (Fuzz/): a shape whose element count times 4
    /// overflows an Int crashed the reader instead of being refused.
    func testShapesWhoseByteCountOverflowsAreRefused() throws {
        for shape in ["[4611686018427387904]", "[2147483648,2147483648]", "[9223372036854775807]"] {
            let header = #"{"a":{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,0]}}"#
            var text = Array(header.utf8)
            while text.count % 8 != 0 { text.append(0x20) }
            let bytes: [UInt8] = [UInt8(text.count), 0, 0, 0, 0, 0, 0, 0] + text
            XCTAssertEqual(
                learningError { _ = try Safetensors.decode(bytes) }?.description,
                "file is not valid safetensors: tensor 'a' of shape \(shape.replacingOccurrences(of: ",", with: ", ")) spans bytes 0..<0, which is not 4 bytes per element")
        }
    }

    /// A checkpoint whose metadata describes a classifier far larger than its tensors (or one
    /// whose sizes overflow) is refused before the classifier is built: it used to allocate
    /// what the metadata asked for, or crash on the overflow.
    func testCheckpointDescribingAnotherClassifierIsRefusedBeforeAllocating() throws {
        let classifier = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [4], hiddenDropouts: [0.1]), seed: 1)
        let saved = try Safetensors.decode(ClassifierCheckpoint.encode(classifier))
        func forged(_ architecture: String) -> [UInt8] {
            var metadata = saved.metadata
            metadata[ClassifierCheckpoint.architectureKey] = architecture
            return Safetensors.encode(saved.parameters, metadata: metadata)
        }
        let huge = #"{"embeddingDropout":0,"hiddenDropouts":[0.1],"hiddenLayers":[4611686018427387904]}"#
        XCTAssertEqual(learningError { _ = try ClassifierCheckpoint.decode(forged(huge)) },
                       .parameterShapeMismatch(name: "layers.0.linear.weight", expected: [4611686018427387904, 8], found: [4, 8]))
        let wide = #"{"embeddingDropout":0,"hiddenDropouts":[0.1],"hiddenLayers":[4],"embeddingWidths":[9223372036854775807,9223372036854775807]}"#
        XCTAssertEqual(learningError { _ = try ClassifierCheckpoint.decode(forged(wide)) },
                       .parameterShapeMismatch(name: "embeddings.0.weight", expected: [3, 9223372036854775807], found: [3, 3]))
        let large = #"{"embeddingDropout":0,"hiddenDropouts":[0.1,0.1],"hiddenLayers":[4,50000000]}"#
        XCTAssertEqual(learningError { _ = try ClassifierCheckpoint.decode(forged(large)) },
                       .missingParameter("layers.1.linear.weight"))
    }
}
