import Diagnostics
import Files
import Foundation
import Yams

/// Reads the fields of a YAML document bf configures itself from (a pod's configuration, a
/// federation file, a user's key file), checking names and kinds so that the first mistake is
/// reported with the file, the line and the column, and an unknown field with the nearest
/// known one. The task file's reader, which collects every mistake, reads values the same way
/// (`Node.text`, `wholeNumber`, …, `YAMLSyntaxProblem`).
struct YAMLFields {
    /// The file, as errors name it.
    let path: String

    /// The UTF-8 text of the regular file at `path`: a file that cannot be read is an I/O
    /// error, bytes that are not UTF-8 an error at their line and column.
    static func readText(_ path: String) throws(PodConfigError) -> String {
        let data: Data
        do throws(FileError) {
            data = try RegularFile.read(path)
        } catch {
            throw .cannotRead(path: path, reason: error.reason)
        }
        if let text = String(validating: data, as: UTF8.self) { return text }
        let (line, column, byte) = TextEncoding.firstInvalidUTF8(in: data) ?? (1, 1, 0)
        throw .notUTF8(path: path, line: line, column: column, byte: byte)
    }

    /// The document's root node, or nil for an empty document.
    static func compose(_ text: String, path: String) throws(PodConfigError) -> Node? {
        do throws(YAMLSyntaxProblem) {
            return try YAMLSyntaxProblem.compose(text)
        } catch {
            if let duplicate = error.duplicate {
                throw .duplicateField(path: path, line: error.line, column: error.column, field: duplicate.key, firstLine: duplicate.firstLine)
            }
            throw .syntax(path: path, line: error.line, column: error.column, problem: error.problem)
        }
    }

    /// A mapping's fields by key, after checking every key is allowed.
    func mapping(_ node: Node, field: String, allowed: [String]) throws(PodConfigError) -> [String: Node] {
        let fields = try checkedFields(node, field: field, allowed: allowed)
        return Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// A mapping's fields in order, whatever their keys.
    func orderedMapping(_ node: Node, field: String) throws(PodConfigError) -> [(String, Node)] {
        try checkedFields(node, field: field, allowed: nil).map { ($0.key, $0.value) }
    }

    /// The fields of `node`, refusing the first problem `YAMLMappingFields` finds.
    private func checkedFields(_ node: Node, field: String, allowed: [String]?) throws(PodConfigError) -> [YAMLMappingFields.Field] {
        guard let fields = YAMLMappingFields(node, allowed: allowed) else {
            throw wrongType(node, field: field, expected: "a mapping of fields")
        }
        if let key = fields.nonTextKeys.first { throw wrongType(key, field: field, expected: "a mapping with text keys") }
        if let unknown = fields.unknown.first {
            let (line, column) = unknown.keyNode.position
            throw .unknownField(path: path, line: line, column: column, field: unknown.key, suggestion: unknown.suggestion)
        }
        return fields.known
    }

    func string(_ node: Node, field: String) throws(PodConfigError) -> String {
        guard let text = node.text else { throw wrongType(node, field: field, expected: "text") }
        return text
    }

    func strings(_ node: Node, field: String) throws(PodConfigError) -> [String] {
        guard case let .sequence(sequence) = node else {
            throw wrongType(node, field: field, expected: "a list")
        }
        var result: [String] = []
        for item in sequence { result.append(try string(item, field: field)) }
        return result
    }

    func integer(_ node: Node, field: String) throws(PodConfigError) -> Int {
        guard let value = node.wholeNumber else { throw wrongType(node, field: field, expected: "a whole number") }
        return value
    }

    /// A finite number above 0, and below `limit` when one is given.
    func positiveNumber(_ node: Node, field: String, below limit: Double? = nil) throws(PodConfigError) -> Double {
        let expected = limit.map { "a number above 0 and below \($0)" } ?? "a number above 0"
        guard let value = node.finiteNumber, value > 0, limit.map({ value < $0 }) ?? true else {
            throw wrongType(node, field: field, expected: expected)
        }
        return value
    }

    func boolean(_ node: Node, field: String) throws(PodConfigError) -> Bool {
        guard let value = node.boolean else { throw wrongType(node, field: field, expected: "true or false") }
        return value
    }

    func wrongType(_ node: Node, field: String, expected: String) -> PodConfigError {
        let (line, column) = node.position
        return .wrongType(path: path, line: line, column: column, field: field, expected: expected, found: node.kindDescription)
    }
}

/// A mapping's fields checked against the names allowed there, as every bf reader checks
/// them: the known fields in order, the unknown ones with the nearest allowed name, and the
/// keys that are not text. Each reader reports what it finds in its own way (the pod and
/// federation readers stop at the first problem, the task reader lists them all).
public struct YAMLMappingFields {
    public struct Field {
        public let key: String
        public let keyNode: Node
        public let value: Node
        /// The allowed name nearest an unknown key.
        public let suggestion: String?
    }

    public private(set) var known: [Field] = []
    public private(set) var unknown: [Field] = []
    public private(set) var nonTextKeys: [Node] = []

    /// The fields of `node`, or nil when it is not a mapping; with `allowed` nil every key is
    /// known.
    public init?(_ node: Node, allowed: [String]?) {
        guard let mapping = node.mapping else { return nil }
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                nonTextKeys.append(keyNode)
                continue
            }
            if let allowed, !allowed.contains(key) {
                unknown.append(Field(key: key, keyNode: keyNode, value: value, suggestion: Suggestion.closest(to: key, among: allowed)))
            } else {
                known.append(Field(key: key, keyNode: keyNode, value: value, suggestion: nil))
            }
        }
    }
}

/// The values of a YAML document as every bf reader takes them (pod files, federation files,
/// task files): YAML's own typing, so a quoted `"5"` or `"true"` is text; never YAML 1.1's
/// base-60 numbers (`1:30`), which Yams computes without overflow checks and traps on a long
/// one (`622222222222222222:2`), and nobody writes a count in base 60.
extension Node {
    /// A scalar's text; nil for a plain empty value, a mapping or a list.
    public var text: String? {
        guard case let .scalar(scalar) = self, null == nil || scalar.style != .plain else { return nil }
        return scalar.string
    }

    /// A plain scalar's whole number.
    public var wholeNumber: Int? {
        guard case let .scalar(scalar) = self, !scalar.string.contains(":") else { return nil }
        return int
    }

    /// A plain scalar's number, whole or not, when it is finite.
    public var finiteNumber: Double? {
        guard case let .scalar(scalar) = self, !scalar.string.contains(":") else { return nil }
        guard let value = float ?? int.map(Double.init), value.isFinite else { return nil }
        return value
    }

    /// A plain scalar's true or false (`true`, `false`, and YAML 1.1's `yes`, `no`, `on`, `off`).
    public var boolean: Bool? { bool }

    /// What the node holds, for "must be …, not …": "a mapping", "empty", "a number (3.5)",
    /// "text ('abc')".
    public var kindDescription: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case let .scalar(scalar):
            guard scalar.style == .plain else { return "text (\(quoted(scalar.string)))" }
            if null != nil { return "empty" }
            if !scalar.string.contains(":"), let value = float, !value.isFinite {
                return (value.isNaN ? "NaN" : "infinity") + " (\(scalar.string))"
            }
            if wholeNumber != nil || finiteNumber != nil { return "a number (\(scalar.string))" }
            if bool != nil { return "true/false (\(scalar.string))" }
            return "text (\(quoted(scalar.string)))"
        }
    }

    /// The node's 1-based line and column (1, 1 when Yams gives none).
    public var position: (line: Int, column: Int) {
        guard let mark else { return (1, 1) }
        return (mark.line, mark.column)
    }
}

/// Why libyaml refused a document, and where: the one reading of Yams's errors for every bf
/// reader.
public struct YAMLSyntaxProblem: Error {
    /// Where, 1-based; for a repeated key, its second place.
    public let line: Int
    public let column: Int
    /// libyaml's problem with the context it gives ("expected a single document in the stream,
    /// but found another document"), without a trailing period.
    public let problem: String
    /// The key given twice in one mapping and the line it was first given at, when that is
    /// the problem.
    public let duplicate: (key: String, firstLine: Int)?

    /// The document's root node, or nil for an empty document.
    public static func compose(_ text: String) throws(YAMLSyntaxProblem) -> Node? {
        do {
            // UTF-8 always: Yams's default reads YAMS_DEFAULT_ENCODING from the environment on
            // every parse (a copy of the whole environment) and prints to stdout when it is set.
            return try Yams.compose(yaml: text, .default, .default, .utf8)
        } catch let error as YamlError {
            switch error {
            case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
                throw YAMLSyntaxProblem(line: mark.line, column: mark.column, problem: syntax(problem, context: context?.text),
                                        duplicate: nil)
            case let .duplicatedKeysInMapping(duplicates, context):
                // libyaml leaves a repeated key to the reader, and Yams refuses it with the
                // mapping's place only.
                let key = duplicates.first ?? ""
                let places = keyPositions(key, in: text, from: context.mark.line)
                let (line, column) = places.count > 1 ? places[1] : (context.mark.line, context.mark.column)
                throw YAMLSyntaxProblem(line: line, column: column, problem: "\(quoted(key)) is given twice",
                                        duplicate: (key, places.first?.line ?? context.mark.line))
            default:
                throw YAMLSyntaxProblem(line: 1, column: 1, problem: "\(error)", duplicate: nil)
            }
        } catch {
            throw YAMLSyntaxProblem(line: 1, column: 1, problem: "\(error)", duplicate: nil)
        }
    }

    private static func syntax(_ problem: String, context: String?) -> String {
        guard let context, !context.isEmpty, problem.hasPrefix("but ") || problem.hasPrefix("did not find") else { return problem }
        return context + ", " + problem
    }

    /// Where lines of `text` at or after `line` start with the key `key` (as `key:`, `"key":`
    /// or `- key:`): the first is where a repeated key was given first.
    private static func keyPositions(_ key: String, in text: String, from line: Int) -> [(line: Int, column: Int)] {
        var positions: [(line: Int, column: Int)] = []
        for (index, content) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 >= line {
            let indentation = content.prefix { $0 == " " || $0 == "-" }
            let rest = content.dropFirst(indentation.count)
            for spelling in [key + ":", "\"\(key)\":", "'\(key)':"] where rest.hasPrefix(spelling) {
                positions.append((index + 1, indentation.count + 1))
            }
        }
        return positions
    }
}
