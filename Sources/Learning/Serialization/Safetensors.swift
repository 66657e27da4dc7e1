import Files
import Foundation

/// The contents of a safetensors file: tensors and string metadata.
public struct SafetensorsFile: Sendable, Hashable {
    /// The tensors, in the order of their data in the file.
    public var parameters: ParameterSet
    /// The `__metadata__` map.
    public var metadata: [String: String]

    /// File contents.
    public init(parameters: ParameterSet, metadata: [String: String]) {
        self.parameters = parameters
        self.metadata = metadata
    }
}

/// Reading and writing the safetensors format (Hugging Face), restricted to Float32:
/// an 8-byte little-endian header length N, N bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, …,
/// "__metadata__": {"key": "value", …}}` padded with spaces so the data starts at a multiple
/// of 8, then the tensors' bytes little-endian, back to back, with no gaps.
///
/// bf writes tensors in the parameter set's order and metadata keys sorted, so the same
/// parameters always give the same bytes. Reading checks every offset, shape and size and
/// reports what is wrong.
public enum Safetensors {
    /// The largest header bf reads (the reference implementation's limit).
    static let maximumHeaderSize = 100_000_000

    /// The file's bytes for `parameters` and `metadata`.
    public static func encode(_ parameters: ParameterSet, metadata: [String: String] = [:]) -> [UInt8] {
        var header = "{"
        var offset = 0
        var first = true
        if !metadata.isEmpty {
            let entries = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
            header += "\"__metadata__\":{" + entries.joined(separator: ",") + "}"
            first = false
        }
        for tensor in parameters.tensors {
            let size = tensor.count * 4
            if !first { header += "," }
            first = false
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            header += "\(jsonString(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}"
            offset += size
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: headerBytes)
        for value in parameters.values {
            var word = value.bitPattern.littleEndian
            withUnsafeBytes(of: &word) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Parses a file's bytes; throws on truncation, malformed JSON, a dtype other than F32,
    /// or offsets that disagree with the shapes or leave gaps.
    public static func decode(_ bytes: [UInt8]) throws(LearningError) -> SafetensorsFile {
        guard bytes.count >= 8 else {
            throw .truncatedFile(part: "header length", needed: 8, available: bytes.count)
        }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(maximumHeaderSize) else {
            throw .corruptFile("its header claims \(length) bytes, more than the \(maximumHeaderSize) allowed")
        }
        let headerLength = Int(length)
        guard bytes.count - 8 >= headerLength else {
            throw .truncatedFile(part: "header", needed: headerLength, available: bytes.count - 8)
        }
        let headerBytes = bytes[8..<(8 + headerLength)]
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw .corruptFile("its header does not start with '{'")
        }
        let header: [String: HeaderEntry]
        do {
            header = try JSONDecoder().decode([String: HeaderEntry].self, from: Data(headerBytes))
        } catch {
            throw .corruptFile("its header is not the expected JSON (\(describe(error)))")
        }
        var metadata: [String: String] = [:]
        var tensors: [(name: String, info: TensorInfo)] = []
        for (name, entry) in header {
            switch entry {
            case let .metadata(values) where name == "__metadata__": metadata = values
            case .metadata: throw .corruptFile("entry '\(name)' is not a tensor description")
            case let .tensor(info):
                if name == "__metadata__" { throw .corruptFile("'__metadata__' is not a string map") }
                tensors.append((name, info))
            }
        }
        tensors.sort { ($0.info.dataOffsets.first ?? 0, $0.name) < ($1.info.dataOffsets.first ?? 0, $1.name) }

        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart
        var expectedOffset = 0
        var descriptions: [ParameterSet.Tensor] = []
        var values: [Float] = []
        for (name, info) in tensors {
            guard info.dtype == "F32" else { throw .unsupportedDType(tensor: name, dtype: info.dtype) }
            guard info.dataOffsets.count == 2 else {
                throw .corruptFile("tensor '\(name)' has \(info.dataOffsets.count) data offsets instead of 2")
            }
            guard info.shape.allSatisfy({ $0 >= 0 }) else {
                throw .corruptFile("tensor '\(name)' has a negative dimension in shape \(info.shape)")
            }
            let begin = info.dataOffsets[0]
            let end = info.dataOffsets[1]
            guard begin == expectedOffset else {
                throw .corruptFile("tensor '\(name)' starts at byte \(begin) but the previous tensor ends at \(expectedOffset)")
            }
            let (count, overflow) = info.shape.reduce((1, false)) { partial, dimension in
                let product = partial.0.multipliedReportingOverflow(by: dimension)
                return (product.partialValue, partial.1 || product.overflow)
            }
            // A shape read from the file can make count * 4 overflow: multiply with a check.
            let byteCount = count.multipliedReportingOverflow(by: 4)
            guard !overflow, !byteCount.overflow, end >= begin, end - begin == byteCount.partialValue else {
                throw .corruptFile("tensor '\(name)' of shape \(info.shape) spans bytes \(begin)..<\(end), which is not 4 bytes per element")
            }
            guard end <= dataLength else {
                throw .truncatedFile(part: "data of tensor '\(name)'", needed: end - begin, available: max(dataLength - begin, 0))
            }
            descriptions.append(ParameterSet.Tensor(name: name, shape: info.shape))
            values.reserveCapacity(values.count + count)
            var position = dataStart + begin
            for _ in 0..<count {
                let word = UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8
                    | UInt32(bytes[position + 2]) << 16 | UInt32(bytes[position + 3]) << 24
                values.append(Float(bitPattern: word))
                position += 4
            }
            expectedOffset = end
        }
        guard expectedOffset == dataLength else {
            throw .corruptFile("\(dataLength - expectedOffset) bytes after the last tensor belong to no tensor")
        }
        return SafetensorsFile(parameters: try ParameterSet(tensors: descriptions, values: values), metadata: metadata)
    }

    /// Writes `parameters` and `metadata` to `path`, replacing any file atomically.
    public static func write(_ parameters: ParameterSet, metadata: [String: String] = [:], to path: String) throws(LearningError) {
        do throws(FileError) {
            try AtomicFile.write(Data(encode(parameters, metadata: metadata)), to: path)
        } catch {
            throw .fileAccess(path: path, reason: error.reason)
        }
    }

    /// Reads and parses the file at `path`.
    public static func read(from path: String) throws(LearningError) -> SafetensorsFile {
        let data: Data
        do throws(FileError) {
            data = try RegularFile.read(path)
        } catch {
            throw .fileAccess(path: path, reason: error.reason)
        }
        return try decode([UInt8](data))
    }

    /// A JSON string literal for `text`.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case let .dataCorrupted(context): return context.debugDescription.lowercased()
            case let .keyNotFound(key, _): return "missing field '\(key.stringValue)'"
            case let .typeMismatch(_, context), let .valueNotFound(_, context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return "unexpected value at '\(path)'"
            @unknown default: return "\(decoding)"
            }
        }
        return (error as NSError).localizedDescription.lowercased()
    }

    /// One tensor's header entry.
    struct TensorInfo: Decodable {
        var dtype: String
        var shape: [Int]
        var dataOffsets: [Int]

        enum CodingKeys: String, CodingKey {
            case dtype
            case shape
            case dataOffsets = "data_offsets"
        }
    }

    /// A header value: a tensor description or the metadata map.
    enum HeaderEntry: Decodable {
        case tensor(TensorInfo)
        case metadata([String: String])

        init(from decoder: any Decoder) throws {
            if let metadata = try? decoder.singleValueContainer().decode([String: String].self) {
                self = .metadata(metadata)
            } else {
                self = .tensor(try TensorInfo(from: decoder))
            }
        }
    }
}
