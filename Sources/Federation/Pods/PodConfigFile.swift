import DidYouMean
import Foundation
import Yams

/// Reads a pod's YAML configuration (tutorial 2's fields) into a `PodSpec`.
///
/// ```yaml
/// pod_name: census-income-yaml-demo
/// datasource: CSVSource
/// pod_details:
///   display_name: Census income (YAML)
///   description: Census income data, started from YAML
/// data_config:
///   ignore_cols: [fnlwgt]
///   force_stypes:
///     census-income-yaml-demo:
///       categorical: [TARGET, workclass]
///   datasource_args:
///     path: census-income.csv     # relative to this file
///     seed: 100
///     missing_values: ["", "?"]   # bf's addition; this is the default
/// other_pods: [census-income-demo] # the pods approved for secure aggregation
/// minimum_group_size: 5            # bf's addition; this is the default
/// ```
/// Unknown fields are errors with the line and a suggestion, so a typo never
/// silently drops a setting.
public enum PodConfigFile {
    /// Reads the file at `url`; the pod belongs to `owner`.
    public static func read(_ url: URL, owner: String) throws(PodConfigError) -> PodSpec {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "it is not a UTF-8 text file" : "no such file"
            throw .cannotRead(path: url.path, reason: reason)
        }
        return try parse(text, path: url.path, directory: url.deletingLastPathComponent(), owner: owner)
    }

    /// Parses `text` (from `path`); relative data paths are taken from `directory`.
    public static func parse(_ text: String, path: String, directory: URL, owner: String) throws(PodConfigError) -> PodSpec {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw PodConfigError.missingField(path: path, field: "pod_name") }
            root = node
        } catch let error as PodConfigError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, path: path)
        } catch {
            throw .syntax(path: path, line: 1, column: 1, problem: "\(error)")
        }
        return try Reader(path: path).spec(from: root, directory: directory, owner: owner)
    }

    private static func syntaxError(_ error: YamlError, path: String) -> PodConfigError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return .syntax(path: path, line: mark.line, column: mark.column, problem: problem)
        default:
            return .syntax(path: path, line: 1, column: 1, problem: "\(error)")
        }
    }

    /// Walks the YAML tree, checking field names and value kinds.
    private struct Reader {
        let path: String

        func spec(from root: Node, directory: URL, owner: String) throws(PodConfigError) -> PodSpec {
            let fields = try mapping(root, field: "the file",
                                     allowed: ["pod_name", "datasource", "pod_details", "data_config", "other_pods",
                                               "approved_pods", "minimum_group_size"])
            guard let nameNode = fields["pod_name"] else { throw .missingField(path: path, field: "pod_name") }
            let name = try string(nameNode, field: "pod_name")
            if let datasource = fields["datasource"] {
                let value = try string(datasource, field: "datasource")
                guard value == "CSVSource" else {
                    let (line, column) = position(datasource)
                    throw .unsupportedDatasource(path: path, line: line, column: column, name: value)
                }
            }
            var displayName: String?
            var description = ""
            if let details = fields["pod_details"] {
                let detailFields = try mapping(details, field: "pod_details", allowed: ["display_name", "description"])
                displayName = try detailFields["display_name"].map { node throws(PodConfigError) in try string(node, field: "pod_details.display_name") }
                description = try detailFields["description"].map { node throws(PodConfigError) in
                    try string(node, field: "pod_details.description").trimmingCharacters(in: .whitespacesAndNewlines)
                } ?? ""
            }
            guard let dataConfigNode = fields["data_config"] else { throw .missingField(path: path, field: "data_config.datasource_args.path") }
            let (dataPath, config) = try dataConfig(dataConfigNode, directory: directory)
            var approved: [String] = []
            for key in ["other_pods", "approved_pods"] {
                if let node = fields[key] { approved += try strings(node, field: key) }
            }
            var minimumGroupSize = PodSpec.defaultMinimumGroupSize
            if let node = fields["minimum_group_size"] {
                minimumGroupSize = try integer(node, field: "minimum_group_size")
            }
            return PodSpec(name: name, owner: owner, displayName: displayName, description: description,
                           dataPath: dataPath, dataConfig: config, approvedPods: approved, minimumGroupSize: minimumGroupSize)
        }

        private func dataConfig(_ node: Node, directory: URL) throws(PodConfigError) -> (URL, DataConfig) {
            let fields = try mapping(node, field: "data_config", allowed: ["ignore_cols", "force_stypes", "datasource_args"])
            var config = DataConfig()
            if let ignore = fields["ignore_cols"] {
                config.ignoreColumns = try strings(ignore, field: "data_config.ignore_cols")
            }
            if let force = fields["force_stypes"] {
                for (table, typesNode) in try orderedMapping(force, field: "data_config.force_stypes") {
                    let field = "data_config.force_stypes.\(table)"
                    let types = try mapping(typesNode, field: field, allowed: ["categorical", "continuous", "text", "image"])
                    if let image = types["image"], !(try strings(image, field: field + ".image")).isEmpty {
                        let (line, column) = position(image)
                        throw .wrongType(path: path, line: line, column: column, field: field + ".image",
                                         expected: "empty (a CSV pod holds no images)", found: "a list of columns")
                    }
                    config.forceStypes[table] = ForcedTypes(
                        categorical: try types["categorical"].map { node throws(PodConfigError) in try strings(node, field: field + ".categorical") } ?? [],
                        continuous: try types["continuous"].map { node throws(PodConfigError) in try strings(node, field: field + ".continuous") } ?? [],
                        text: try types["text"].map { node throws(PodConfigError) in try strings(node, field: field + ".text") } ?? [])
                }
            }
            guard let argumentsNode = fields["datasource_args"] else {
                throw .missingField(path: path, field: "data_config.datasource_args.path")
            }
            let arguments = try mapping(argumentsNode, field: "data_config.datasource_args", allowed: ["path", "seed", "missing_values"])
            guard let pathNode = arguments["path"] else { throw .missingField(path: path, field: "data_config.datasource_args.path") }
            let dataPathText = try string(pathNode, field: "data_config.datasource_args.path")
            let dataPath = dataPathText.hasPrefix("/") ? URL(fileURLWithPath: dataPathText)
                : directory.appendingPathComponent(dataPathText).standardizedFileURL
            if let seed = arguments["seed"] {
                let value = try integer(seed, field: "data_config.datasource_args.seed")
                guard value >= 0 else {
                    let (line, column) = position(seed)
                    throw .wrongType(path: path, line: line, column: column, field: "data_config.datasource_args.seed",
                                     expected: "a whole number of 0 or more", found: String(value))
                }
                config.seed = UInt64(value)
            }
            if let missing = arguments["missing_values"] {
                config.missingValues = try strings(missing, field: "data_config.datasource_args.missing_values")
            }
            return (dataPath, config)
        }

        /// A mapping's fields by key, after checking every key is allowed.
        private func mapping(_ node: Node, field: String, allowed: [String]) throws(PodConfigError) -> [String: Node] {
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

        private func orderedMapping(_ node: Node, field: String) throws(PodConfigError) -> [(String, Node)] {
            guard let mapping = node.mapping else { throw wrongType(node, field: field, expected: "a mapping of fields") }
            var result: [(String, Node)] = []
            for (key, value) in mapping {
                guard let name = key.string else { throw wrongType(key, field: field, expected: "a mapping with text keys") }
                result.append((name, value))
            }
            return result
        }

        private func string(_ node: Node, field: String) throws(PodConfigError) -> String {
            guard case let .scalar(scalar) = node, node.null == nil || scalar.style != .plain else {
                throw wrongType(node, field: field, expected: "text")
            }
            return scalar.string
        }

        private func strings(_ node: Node, field: String) throws(PodConfigError) -> [String] {
            guard case let .sequence(sequence) = node else {
                throw wrongType(node, field: field, expected: "a list")
            }
            var result: [String] = []
            for item in sequence { result.append(try string(item, field: field)) }
            return result
        }

        private func integer(_ node: Node, field: String) throws(PodConfigError) -> Int {
            guard case .scalar = node, let value = node.int else {
                throw wrongType(node, field: field, expected: "a whole number")
            }
            return value
        }

        private func wrongType(_ node: Node, field: String, expected: String) -> PodConfigError {
            let (line, column) = position(node)
            return .wrongType(path: path, line: line, column: column, field: field, expected: expected, found: kind(of: node))
        }

        private func kind(of node: Node) -> String {
            switch node {
            case .mapping: return "a mapping"
            case .sequence: return "a list"
            case .alias: return "an alias"
            case let .scalar(scalar):
                if node.null != nil && scalar.style == .plain { return "empty" }
                if node.int != nil { return "a number (\(scalar.string))" }
                if node.float != nil { return "a number (\(scalar.string))" }
                if node.bool != nil { return "true/false" }
                return "text (\(quoted(scalar.string)))"
            }
        }

        private func position(_ node: Node) -> (Int, Int) {
            guard let mark = node.mark else { return (1, 1) }
            return (mark.line, mark.column)
        }
    }
}
