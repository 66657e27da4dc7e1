import Diagnostics
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
///     path: census-income.csv     # relative to this file, or an http(s):// URL
///     seed: 100
///     missing_values: ["", "?"]   # bf's addition; this is the default
/// other_pods: [census-income-demo] # the pods approved for secure aggregation
/// minimum_group_size: 5            # bf's addition; this is the default
/// allow_row_predictions: false     # bf's addition, the default: let model.predict() take each
///                                  # test row's scores (off: class counts only)
/// differential_privacy:            # limits on differentially private training (none if left out)
///   epsilon: 3                     # Bitfount's DPPodConfig: the most ε one task may ask for
///   delta: 1.0e-6                  # Bitfount's: the largest δ of a task (the default)
///   max_epsilon_per_modeller: 10   # bf's addition: the most ε one modeller may spend in all
///   max_epsilon_total: 30          # bf's addition: the most ε all modellers may spend in all
/// ```
///
/// Bitfount's newer format is read too where it maps one-to-one onto a bf pod: `name` for
/// `pod_name`, `pod_details_config` for `pod_details`, `approved_pods` for `other_pods`, and a
/// `datasources` list of exactly one CSV datasource, whose `name` is the pod's table (and so
/// the pod's name), whose `datasource_details_config` is the pod's details, and whose
/// `data_config` (with `datasource_args`, also accepted beside it) is read as above:
///
/// ```yaml
/// name: census-income-yaml-demo
/// datasources:
///   - datasource: CSVSource
///     name: census-income-yaml-demo
///     data_config:
///       datasource_args:
///         path: https://example.org/census_income.csv
///         seed: 100
/// approved_pods: [census-income-demo]
/// ```
/// What does not map is refused naming the field and its line: several datasources (a bf pod
/// serves one table), another datasource kind, a setting given in both formats. Unknown
/// fields are errors with the line and a suggestion, so a typo never silently drops a setting.
public enum PodConfigFile {
    /// Reads the file at `url`; the pod belongs to `owner`.
    public static func read(_ url: URL, owner: String) throws(PodConfigError) -> PodSpec {
        let text = try YAMLFields.readText(url.path)
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
                                     allowed: ["pod_name", "name", "datasource", "datasources", "pod_details", "pod_details_config",
                                               "data_config", "other_pods", "approved_pods", "minimum_group_size",
                                               "allow_row_predictions", "differential_privacy"])
            var name: (value: String, field: String, node: Node)?
            if let (field, node) = try one(of: ["pod_name", "name"], in: fields, root: root) {
                name = (try yaml.string(node, field: field), field, node)
            }
            var details = try one(of: ["pod_details", "pod_details_config"], in: fields, root: root)
            let dataPath: URL
            let config: DataConfig
            if let listNode = fields["datasources"] {
                for older in ["datasource", "data_config"] where fields[older] != nil {
                    throw conflict(older, with: "datasources", in: root,
                                   help: "move \(quoted(older)) into the one entry of 'datasources', or leave out 'datasources'")
                }
                let entry = try onlyDatasource(listNode)
                if let entryName = entry.name {
                    if let name, name.value != entryName.value {
                        let (line, column) = entryName.node.position
                        throw .conflictingFields(path: path, line: line, column: column, field: "datasources[0].name",
                                                 other: name.field,
                                                 help: "a bf pod serves its one table under the pod's name: give both the same name "
                                                     + "(now \(quoted(name.value)) and \(quoted(entryName.value)))")
                    }
                    name = (entryName.value, "datasources[0].name", entryName.node)
                }
                if let entryDetails = entry.details { details = ("datasources[0].datasource_details_config", entryDetails) }
                (dataPath, config) = try dataConfig(entry.dataConfig, arguments: entry.arguments, prefix: "datasources[0].",
                                                    directory: directory)
            } else {
                if let datasource = fields["datasource"] { try checkDatasource(datasource, field: "datasource") }
                guard let dataConfigNode = fields["data_config"] else {
                    throw .missingField(path: path, field: "data_config.datasource_args.path")
                }
                (dataPath, config) = try dataConfig(dataConfigNode, arguments: nil, prefix: "", directory: directory)
            }
            guard let name else { throw .missingField(path: path, field: "pod_name") }
            guard PodIdentifier.isValidPart(name.value) else {
                let (line, column) = name.node.position
                throw .invalidPodName(path: path, line: line, column: column, field: name.field, name: name.value)
            }
            var displayName: String?
            var description = ""
            if let (field, node) = details {
                let detailFields = try yaml.mapping(node, field: field, allowed: ["display_name", "description"])
                displayName = try detailFields["display_name"].map { node throws(PodConfigError) in try yaml.string(node, field: field + ".display_name") }
                description = try detailFields["description"].map { node throws(PodConfigError) in
                    try yaml.string(node, field: field + ".description").trimmingCharacters(in: .whitespacesAndNewlines)
                } ?? ""
            }
            var approved: [String] = []
            for key in ["other_pods", "approved_pods"] {
                if let node = fields[key] { approved += try yaml.strings(node, field: key) }
            }
            var minimumGroupSize = PodSpec.defaultMinimumGroupSize
            if let node = fields["minimum_group_size"] {
                minimumGroupSize = try yaml.integer(node, field: "minimum_group_size")
                guard minimumGroupSize >= PodSpec.smallestMinimumGroupSize else {
                    let (line, column) = node.position
                    throw .outOfRange(path: path, line: line, column: column, field: "minimum_group_size",
                                      allowed: "a whole number of at least \(PodSpec.smallestMinimumGroupSize)", found: minimumGroupSize)
                }
            }
            let allowRowPredictions = try fields["allow_row_predictions"].map { node throws(PodConfigError) in
                try yaml.boolean(node, field: "allow_row_predictions")
            } ?? false
            let privacyPolicy = try fields["differential_privacy"].map { node throws(PodConfigError) in try privacy(node) }
            return PodSpec(name: name.value, owner: owner, displayName: displayName, description: description,
                           dataPath: dataPath, dataConfig: config, approvedPods: approved, minimumGroupSize: minimumGroupSize,
                           allowRowPredictions: allowRowPredictions, privacyPolicy: privacyPolicy)
        }

        /// The `differential_privacy` section.
        func privacy(_ node: Node) throws(PodConfigError) -> PodPrivacyPolicy {
            let field = "differential_privacy"
            let fields = try yaml.mapping(node, field: field,
                                          allowed: ["epsilon", "delta", "max_epsilon_per_modeller", "max_epsilon_total"])
            func number(_ key: String, below limit: Double? = nil) throws(PodConfigError) -> Double? {
                try fields[key].map { node throws(PodConfigError) in try yaml.positiveNumber(node, field: field + "." + key, below: limit) }
            }
            return PodPrivacyPolicy(maxEpsilonPerTask: try number("epsilon"),
                                    maxEpsilonPerModeller: try number("max_epsilon_per_modeller"),
                                    maxEpsilonTotal: try number("max_epsilon_total"),
                                    delta: try number("delta", below: 1) ?? PrivacyRequest.defaultDelta)
        }

        /// Which of `names` (two spellings of one setting, the older first) `fields` holds, and
        /// its node; both at once are refused.
        private func one(of names: [String], in fields: [String: Node], root: Node) throws(PodConfigError) -> (String, Node)? {
            let present = names.filter { fields[$0] != nil }
            if present.count > 1 {
                throw conflict(present[1], with: present[0], in: root, help: "keep one of them")
            }
            guard let field = present.first, let node = fields[field] else { return nil }
            return (field, node)
        }

        /// The error for `field` (a key of `mapping`) given together with `other`.
        private func conflict(_ field: String, with other: String, in mapping: Node, help: String) -> PodConfigError {
            let keyNode = mapping.mapping?.first { $0.key.string == field }?.key ?? mapping
            let (line, column) = keyNode.position
            return .conflictingFields(path: path, line: line, column: column, field: field, other: other, help: help)
        }

        private func checkDatasource(_ node: Node, field: String) throws(PodConfigError) {
            let value = try yaml.string(node, field: field)
            guard value == "CSVSource" else {
                let (line, column) = node.position
                throw .unsupportedDatasource(path: path, line: line, column: column, name: value)
            }
        }

        /// The one entry of Bitfount's `datasources` list, as bf reads it.
        private struct DatasourceEntry {
            var name: (value: String, node: Node)?
            var details: Node?
            var dataConfig: Node?
            var arguments: Node?
        }

        private func onlyDatasource(_ listNode: Node) throws(PodConfigError) -> DatasourceEntry {
            guard case let .sequence(list) = listNode, let first = list.first else {
                throw yaml.wrongType(listNode, field: "datasources", expected: "a list with one datasource")
            }
            if list.count > 1 {
                let (line, column) = list[1].position
                throw .severalDatasources(path: path, line: line, column: column, count: list.count)
            }
            let fields = try yaml.mapping(first, field: "datasources[0]",
                                          allowed: ["datasource", "name", "data_config", "datasource_args", "datasource_details_config"])
            guard let kind = fields["datasource"] else { throw .missingField(path: path, field: "datasources[0].datasource") }
            try checkDatasource(kind, field: "datasources[0].datasource")
            var entry = DatasourceEntry(details: fields["datasource_details_config"], dataConfig: fields["data_config"],
                                        arguments: fields["datasource_args"])
            if let node = fields["name"] { entry.name = (try yaml.string(node, field: "datasources[0].name"), node) }
            return entry
        }

        /// The data's location and configuration from `data_config` (`node`) and, in Bitfount's
        /// newer format, `datasource_args` beside it (`outerArguments`); the fields named in
        /// errors start with `prefix`.
        private func dataConfig(_ node: Node?, arguments outerArguments: Node?, prefix: String,
                                directory: URL) throws(PodConfigError) -> (URL, DataConfig) {
            var fields: [String: Node] = [:]
            if let node {
                fields = try yaml.mapping(node, field: prefix + "data_config", allowed: ["ignore_cols", "force_stypes", "datasource_args"])
            }
            var config = DataConfig()
            if let ignore = fields["ignore_cols"] {
                config.ignoreColumns = try yaml.strings(ignore, field: prefix + "data_config.ignore_cols")
            }
            if let force = fields["force_stypes"] {
                for (table, typesNode) in try yaml.orderedMapping(force, field: prefix + "data_config.force_stypes") {
                    let field = prefix + "data_config.force_stypes.\(table)"
                    let types = try yaml.mapping(typesNode, field: field, allowed: ["categorical", "continuous", "text", "image"])
                    if let image = types["image"], !(try yaml.strings(image, field: field + ".image")).isEmpty {
                        let (line, column) = image.position
                        throw .wrongType(path: path, line: line, column: column, field: field + ".image",
                                         expected: "empty (a CSV pod holds no images)", found: "a list of columns")
                    }
                    var lists: [String: [String]] = [:]
                    var typeOfColumn: [String: String] = [:]
                    for kind in ["categorical", "continuous", "text"] {
                        guard let node = types[kind] else { continue }
                        let columns = try yaml.strings(node, field: field + "." + kind)
                        for column in columns {
                            if let other = typeOfColumn[column], other != kind {
                                let (line, position) = node.position
                                throw .columnForcedTwice(path: path, line: line, column: position, name: column, types: [other, kind])
                            }
                            typeOfColumn[column] = kind
                        }
                        lists[kind] = columns
                    }
                    config.forceStypes[table] = ForcedTypes(categorical: lists["categorical"] ?? [], continuous: lists["continuous"] ?? [],
                                                            text: lists["text"] ?? [])
                }
            }
            if outerArguments != nil, let node, fields["datasource_args"] != nil {
                throw conflict("datasource_args", with: prefix + "datasource_args", in: node, help: "keep one of them")
            }
            let argumentsField = outerArguments == nil ? prefix + "data_config.datasource_args" : prefix + "datasource_args"
            guard let argumentsNode = outerArguments ?? fields["datasource_args"] else {
                throw .missingField(path: path, field: prefix + "data_config.datasource_args.path")
            }
            let arguments = try yaml.mapping(argumentsNode, field: argumentsField, allowed: ["path", "seed", "missing_values"])
            guard let pathNode = arguments["path"] else { throw .missingField(path: path, field: argumentsField + ".path") }
            let dataPath = try location(pathNode, field: argumentsField + ".path", directory: directory)
            if let seed = arguments["seed"] {
                let value = try yaml.integer(seed, field: argumentsField + ".seed")
                guard value >= 0 else {
                    let (line, column) = seed.position
                    throw .wrongType(path: path, line: line, column: column, field: argumentsField + ".seed",
                                     expected: "a whole number of 0 or more", found: String(value))
                }
                config.seed = UInt64(value)
            }
            if let missing = arguments["missing_values"] {
                config.missingValues = try yaml.strings(missing, field: argumentsField + ".missing_values")
            }
            return (dataPath, config)
        }

        /// The data file `node` names: an `http://` or `https://` URL as it is, a local path
        /// taken from `directory` when relative. Another URL scheme is refused rather than read
        /// as a file name.
        private func location(_ node: Node, field: String, directory: URL) throws(PodConfigError) -> URL {
            let text = try yaml.string(node, field: field)
            if let schemeEnd = text.range(of: "://") {
                let scheme = text[..<schemeEnd.lowerBound].lowercased()
                if scheme == "http" || scheme == "https", let url = URL(string: text), url.host != nil {
                    return url
                }
                let (line, column) = node.position
                throw .unsupportedURL(path: path, line: line, column: column, field: field, url: text)
            }
            return text.hasPrefix("/") ? URL(fileURLWithPath: text) : directory.appendingPathComponent(text).standardizedFileURL
        }
    }
}
