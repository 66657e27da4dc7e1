import DidYouMean
import Files
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
/// allow_row_predictions: false     # bf's addition, the default: let model.predict() take each
///                                  # test row's scores (off: class counts only)
/// ```
/// Unknown fields are errors with the line and a suggestion, so a typo never
/// silently drops a setting.
public enum PodConfigFile {
    /// Reads the file at `url`; the pod belongs to `owner`.
    public static func read(_ url: URL, owner: String) throws(PodConfigError) -> PodSpec {
        let text: String
        do throws(FileError) {
            text = try RegularFile.readText(url.path)
        } catch {
            throw .cannotRead(path: url.path, reason: error.reason)
        }
        return try parse(text, path: url.path, directory: url.deletingLastPathComponent(), owner: owner)
    }

    /// Parses `text` (from `path`); relative data paths are taken from `directory`.
    public static func parse(_ text: String, path: String, directory: URL, owner: String) throws(PodConfigError) -> PodSpec {
        guard let root = try YAMLFields.compose(text, path: path) else {
            throw .missingField(path: path, field: "pod_name")
        }
        return try Reader(yaml: YAMLFields(path: path)).spec(from: root, directory: directory, owner: owner)
    }

    /// Walks the YAML tree, checking field names and value kinds.
    private struct Reader {
        let yaml: YAMLFields
        var path: String { yaml.path }

        func spec(from root: Node, directory: URL, owner: String) throws(PodConfigError) -> PodSpec {
            let fields = try yaml.mapping(root, field: "the file",
                                     allowed: ["pod_name", "datasource", "pod_details", "data_config", "other_pods",
                                               "approved_pods", "minimum_group_size", "allow_row_predictions"])
            guard let nameNode = fields["pod_name"] else { throw .missingField(path: path, field: "pod_name") }
            let name = try yaml.string(nameNode, field: "pod_name")
            if let datasource = fields["datasource"] {
                let value = try yaml.string(datasource, field: "datasource")
                guard value == "CSVSource" else {
                    let (line, column) = yaml.position(datasource)
                    throw .unsupportedDatasource(path: path, line: line, column: column, name: value)
                }
            }
            var displayName: String?
            var description = ""
            if let details = fields["pod_details"] {
                let detailFields = try yaml.mapping(details, field: "pod_details", allowed: ["display_name", "description"])
                displayName = try detailFields["display_name"].map { node throws(PodConfigError) in try yaml.string(node, field: "pod_details.display_name") }
                description = try detailFields["description"].map { node throws(PodConfigError) in
                    try yaml.string(node, field: "pod_details.description").trimmingCharacters(in: .whitespacesAndNewlines)
                } ?? ""
            }
            guard let dataConfigNode = fields["data_config"] else { throw .missingField(path: path, field: "data_config.datasource_args.path") }
            let (dataPath, config) = try dataConfig(dataConfigNode, directory: directory)
            var approved: [String] = []
            for key in ["other_pods", "approved_pods"] {
                if let node = fields[key] { approved += try yaml.strings(node, field: key) }
            }
            var minimumGroupSize = PodSpec.defaultMinimumGroupSize
            if let node = fields["minimum_group_size"] {
                minimumGroupSize = try yaml.integer(node, field: "minimum_group_size")
                guard minimumGroupSize >= PodSpec.smallestMinimumGroupSize else {
                    let (line, column) = yaml.position(node)
                    throw .outOfRange(path: path, line: line, column: column, field: "minimum_group_size",
                                      allowed: "a whole number of at least \(PodSpec.smallestMinimumGroupSize)", found: minimumGroupSize)
                }
            }
            let allowRowPredictions = try fields["allow_row_predictions"].map { node throws(PodConfigError) in
                try yaml.boolean(node, field: "allow_row_predictions")
            } ?? false
            return PodSpec(name: name, owner: owner, displayName: displayName, description: description,
                           dataPath: dataPath, dataConfig: config, approvedPods: approved, minimumGroupSize: minimumGroupSize,
                           allowRowPredictions: allowRowPredictions)
        }

        private func dataConfig(_ node: Node, directory: URL) throws(PodConfigError) -> (URL, DataConfig) {
            let fields = try yaml.mapping(node, field: "data_config", allowed: ["ignore_cols", "force_stypes", "datasource_args"])
            var config = DataConfig()
            if let ignore = fields["ignore_cols"] {
                config.ignoreColumns = try yaml.strings(ignore, field: "data_config.ignore_cols")
            }
            if let force = fields["force_stypes"] {
                for (table, typesNode) in try yaml.orderedMapping(force, field: "data_config.force_stypes") {
                    let field = "data_config.force_stypes.\(table)"
                    let types = try yaml.mapping(typesNode, field: field, allowed: ["categorical", "continuous", "text", "image"])
                    if let image = types["image"], !(try yaml.strings(image, field: field + ".image")).isEmpty {
                        let (line, column) = yaml.position(image)
                        throw .wrongType(path: path, line: line, column: column, field: field + ".image",
                                         expected: "empty (a CSV pod holds no images)", found: "a list of columns")
                    }
                    config.forceStypes[table] = ForcedTypes(
                        categorical: try types["categorical"].map { node throws(PodConfigError) in try yaml.strings(node, field: field + ".categorical") } ?? [],
                        continuous: try types["continuous"].map { node throws(PodConfigError) in try yaml.strings(node, field: field + ".continuous") } ?? [],
                        text: try types["text"].map { node throws(PodConfigError) in try yaml.strings(node, field: field + ".text") } ?? [])
                }
            }
            guard let argumentsNode = fields["datasource_args"] else {
                throw .missingField(path: path, field: "data_config.datasource_args.path")
            }
            let arguments = try yaml.mapping(argumentsNode, field: "data_config.datasource_args", allowed: ["path", "seed", "missing_values"])
            guard let pathNode = arguments["path"] else { throw .missingField(path: path, field: "data_config.datasource_args.path") }
            let dataPathText = try yaml.string(pathNode, field: "data_config.datasource_args.path")
            let dataPath = dataPathText.hasPrefix("/") ? URL(fileURLWithPath: dataPathText)
                : directory.appendingPathComponent(dataPathText).standardizedFileURL
            if let seed = arguments["seed"] {
                let value = try yaml.integer(seed, field: "data_config.datasource_args.seed")
                guard value >= 0 else {
                    let (line, column) = yaml.position(seed)
                    throw .wrongType(path: path, line: line, column: column, field: "data_config.datasource_args.seed",
                                     expected: "a whole number of 0 or more", found: String(value))
                }
                config.seed = UInt64(value)
            }
            if let missing = arguments["missing_values"] {
                config.missingValues = try yaml.strings(missing, field: "data_config.datasource_args.missing_values")
            }
            return (dataPath, config)
        }
    }
}
