import DidYouMean
import Files
import Foundation
import Yams

/// Reads the fields of a YAML document bf configures itself from (a pod's configuration, a
/// federation file), checking names and kinds so that every mistake is reported with the
/// file, the line and the column, and an unknown field with the nearest known one.
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
        do {
            // UTF-8 always: Yams's default reads YAMS_DEFAULT_ENCODING from the environment on
            // every parse (a copy of the whole environment) and prints to stdout when it is set.
            return try Yams.compose(yaml: text, .default, .default, .utf8)
        } catch let error as YamlError {
            switch error {
            case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
                throw .syntax(path: path, line: mark.line, column: mark.column, problem: YAMLProblem.syntax(problem, context: context?.text))
            case let .duplicatedKeysInMapping(duplicates, context):
                let key = duplicates.first ?? ""
                let places = YAMLProblem.keyPositions(key, in: text, from: context.mark.line)
                let (line, column) = places.count > 1 ? places[1] : (context.mark.line, context.mark.column)
                throw .duplicateField(path: path, line: line, column: column, field: key, firstLine: places.first?.line ?? context.mark.line)
            default:
                throw .syntax(path: path, line: 1, column: 1, problem: "\(error)")
            }
        } catch {
            throw .syntax(path: path, line: 1, column: 1, problem: "\(error)")
        }
    }

    /// A mapping's fields by key, after checking every key is allowed.
    func mapping(_ node: Node, field: String, allowed: [String]) throws(PodConfigError) -> [String: Node] {
        var result: [String: Node] = [:]
        for (key, value) in try orderedMapping(node, field: field) {
            guard allowed.contains(key) else {
                let keyNode = node.mapping?.first { $0.key.string == key }?.key ?? node
                let (line, column) = position(keyNode)
                throw .unknownField(path: path, line: line, column: column, field: key,
                                    suggestion: Suggestion.closest(to: key, among: allowed))
            }
            result[key] = value
        }
        return result
    }

    func orderedMapping(_ node: Node, field: String) throws(PodConfigError) -> [(String, Node)] {
        guard let mapping = node.mapping else { throw wrongType(node, field: field, expected: "a mapping of fields") }
        var result: [(String, Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw wrongType(key, field: field, expected: "a mapping with text keys") }
            result.append((name, value))
        }
        return result
    }

    func string(_ node: Node, field: String) throws(PodConfigError) -> String {
        guard case let .scalar(scalar) = node, node.null == nil || scalar.style != .plain else {
            throw wrongType(node, field: field, expected: "text")
        }
        return scalar.string
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
        guard case .scalar = node, let value = node.plainInt else {
            throw wrongType(node, field: field, expected: "a whole number")
        }
        return value
    }

    /// A finite number above 0, and below `limit` when one is given.
    func positiveNumber(_ node: Node, field: String, below limit: Double? = nil) throws(PodConfigError) -> Double {
        let expected = limit.map { "a number above 0 and below \($0)" } ?? "a number above 0"
        guard case .scalar = node, let value = node.plainFloat ?? node.plainInt.map(Double.init),
              value.isFinite, value > 0, limit.map({ value < $0 }) ?? true else {
            throw wrongType(node, field: field, expected: expected)
        }
        return value
    }

    func boolean(_ node: Node, field: String) throws(PodConfigError) -> Bool {
        guard case .scalar = node, let value = node.bool else {
            throw wrongType(node, field: field, expected: "true or false")
        }
        return value
    }

    func wrongType(_ node: Node, field: String, expected: String) -> PodConfigError {
        let (line, column) = position(node)
        return .wrongType(path: path, line: line, column: column, field: field, expected: expected, found: kind(of: node))
    }

    func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case let .scalar(scalar):
            if node.null != nil && scalar.style == .plain { return "empty" }
            if node.plainInt != nil { return "a number (\(scalar.string))" }
            if node.plainFloat != nil { return "a number (\(scalar.string))" }
            if node.bool != nil { return "true/false" }
            return "text (\(quoted(scalar.string)))"
        }
    }

    func position(_ node: Node) -> (Int, Int) {
        guard let mark = node.mark else { return (1, 1) }
        return (mark.line, mark.column)
    }
}

extension Node {
    /// The scalar's whole number, as `int` reads it, except YAML 1.1's base-60 form (`1:30`):
    /// Yams computes that without overflow checks and traps on a long one
    /// (`622222222222222222:2`), and nobody writes a count in base 60.
    public var plainInt: Int? {
        guard case let .scalar(scalar) = self, !scalar.string.contains(":") else { return nil }
        return int
    }

    /// The scalar's number, as `float` reads it, except the base-60 form (see `plainInt`).
    public var plainFloat: Double? {
        guard case let .scalar(scalar) = self, !scalar.string.contains(":") else { return nil }
        return float
    }
}

/// What the YAML readers (pod files, federation files, task files) say about text libyaml
/// refused.
public enum YAMLProblem {
    /// libyaml's problem with the context it gives ("expected a single document in the stream"
    /// before "but found another document"), without a trailing period.
    public static func syntax(_ problem: String, context: String?) -> String {
        guard let context, !context.isEmpty, problem.hasPrefix("but ") || problem.hasPrefix("did not find") else { return problem }
        return context + ", " + problem
    }

    /// Where lines of `text` at or after `line` start with the key `key` (as `key:`, `"key":`
    /// or `- key:`): the first is where a repeated key was given first.
    public static func keyPositions(_ key: String, in text: String, from line: Int) -> [(line: Int, column: Int)] {
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
