import Diagnostics
import Federation
import Language
import Learning
import Yams

/// Walks a task file's YAML tree into a `TaskFile`, collecting every problem (unknown
/// fields with a suggestion, wrong kinds of value, missing fields, names bf does not run)
/// rather than stopping at the first, each pointing at its place in the file.
struct TaskFileReader {
    let source: SourceFile
    private(set) var diagnostics: [Diagnostic] = []
    /// Fields already suggested for a misspelt key: their absence is not reported again.
    private var suggestedFields: Set<String> = []
    private let lineStarts: [Int]

    init(source: SourceFile) {
        self.source = source
        var starts = [0]
        for (offset, byte) in source.bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        lineStarts = starts
    }

    /// The task, or nil when the file is too broken to say; `diagnostics` holds the problems.
    mutating func read() -> TaskFile? {
        let root: Node
        do throws(YAMLSyntaxProblem) {
            guard let node = try YAMLSyntaxProblem.compose(source.text) else {
                diagnostics.append(Diagnostic(.error, "the task file is empty", span: nil,
                                              help: "a task file needs pods, data_structure and task; see scripts/tutorials/04_training_from_a_task_yaml.yaml"))
                return nil
            }
            root = node
        } catch {
            diagnostics.append(syntaxDiagnostic(error))
            return nil
        }
        return task(root)
    }

    // MARK: - Sections

    private mutating func task(_ root: Node) -> TaskFile? {
        guard let top = fields(root, of: "the task file", allowed: ["pods", "data_structure", "task"]) else { return nil }
        let taskFields = top["task"].flatMap {
            fields($0, of: "task", allowed: ["protocol", "algorithm", "aggregator", "model", "data_structure"])
        }
        var pods: [String]?
        if let podsNode = require(top, "pods", in: "", at: nil) {
            if let podFields = fields(podsNode, of: "pods", allowed: ["identifiers"]),
               let identifiers = require(podFields, "identifiers", in: "pods", at: podsNode) {
                pods = strings(identifiers, field: "pods.identifiers")
                if pods?.isEmpty == true {
                    problem("'pods.identifiers' lists no pods", at: identifiers, help: "name at least one pod, e.g. [census-income-demo]")
                }
            }
        }
        var structureNode = top["data_structure"]
        var structurePath = "data_structure"
        if let nested = taskFields?["data_structure"] {
            if let structureNode {
                problem("'data_structure' is given twice, at the top and under 'task'", at: nested,
                        help: "keep one of them (the top-level one starts at line \(structureNode.position.line))")
            }
            structureNode = nested
            structurePath = "task.data_structure"
        }
        var structure: DataStructureFields?
        if let structureNode {
            structure = dataStructure(structureNode, path: structurePath)
        } else {
            missing("data_structure.assign.target", at: nil)
        }

        guard let taskNode = top["task"] else {
            missing("task", at: nil)
            return nil
        }
        guard let taskFields else { return nil }
        let protocolArguments = taskFields["protocol"].map { protocolSection($0) } ?? ProtocolFields()
        if taskFields["protocol"] == nil { missing("task.protocol.name", at: taskNode) }
        if let algorithm = require(taskFields, "algorithm", in: "task", at: taskNode),
           let algorithmFields = fields(algorithm, of: "task.algorithm", allowed: ["name"]),
           let name = require(algorithmFields, "name", in: "task.algorithm", at: algorithm) {
            knownName(name, field: "task.algorithm.name", among: TaskFile.algorithmNames)
        }
        var secure = false
        if let aggregator = taskFields["aggregator"],
           let aggregatorFields = fields(aggregator, of: "task.aggregator", allowed: ["secure"]),
           let secureNode = aggregatorFields["secure"] {
            secure = bool(secureNode, field: "task.aggregator.secure") ?? false
        }
        let model = require(taskFields, "model", in: "task", at: taskNode).flatMap { modelSection($0) }
        if let model {
            if model.steps != nil, let node = protocolArguments.epochsNode {
                problem("epochs_between_parameter_updates is given but the model trains by steps", at: node,
                        help: "use steps_between_parameter_updates, or give the model epochs")
            }
            if model.epochs != nil, let node = protocolArguments.stepsNode {
                problem("steps_between_parameter_updates is given but the model trains by epochs", at: node,
                        help: "use epochs_between_parameter_updates, or give the model steps")
            }
        }

        guard let pods, let structure, let model, diagnostics.isEmpty else { return nil }
        return TaskFile(
            pods: pods, target: structure.target, table: structure.table,
            selectedColumns: structure.include, ignoredColumns: structure.exclude,
            epochsBetweenParameterUpdates: protocolArguments.epochs, stepsBetweenParameterUpdates: protocolArguments.steps,
            autoEval: protocolArguments.autoEval, secureAggregation: secure,
            epochs: model.epochs, steps: model.steps, batchSize: model.batchSize, optimizer: model.optimizer,
            hiddenLayers: model.hiddenLayers, seed: model.seed)
    }

    private struct DataStructureFields {
        var target = ""
        var table: TaskFile.Table?
        var include: [String]?
        var exclude: [String]?
    }

    private mutating func dataStructure(_ node: Node, path: String) -> DataStructureFields? {
        guard let structureFields = fields(node, of: path, allowed: ["table_config", "assign", "select"]) else { return nil }
        var result = DataStructureFields()
        var complete = true
        if let tableConfig = structureFields["table_config"],
           let tableFields = fields(tableConfig, of: path + ".table_config", allowed: ["table"]),
           let tableNode = tableFields["table"] {
            result.table = table(tableNode, field: path + ".table_config.table")
        }
        if let assign = require(structureFields, "assign", in: path, at: node),
           let assignFields = fields(assign, of: path + ".assign", allowed: ["target"]),
           let targetNode = require(assignFields, "target", in: path + ".assign", at: assign),
           let target = string(targetNode, field: path + ".assign.target") {
            result.target = target
        } else {
            complete = false
        }
        if let select = structureFields["select"],
           let selectFields = fields(select, of: path + ".select", allowed: ["include", "exclude"]) {
            result.include = selectFields["include"].flatMap { strings($0, field: path + ".select.include") }
            result.exclude = selectFields["exclude"].flatMap { strings($0, field: path + ".select.exclude") }
        }
        return complete ? result : nil
    }

    private mutating func table(_ node: Node, field: String) -> TaskFile.Table? {
        if case .mapping = node {
            guard let entries = orderedFields(node, of: field) else { return nil }
            var tables: [(pod: String, table: String)] = []
            for (pod, _, value) in entries {
                if let name = string(value, field: field + "." + pod) { tables.append((pod, name)) }
            }
            return .perPod(tables)
        }
        guard case .scalar = node else {
            wrongType(node, field: field, expected: "a table name, or a mapping of pod to table")
            return nil
        }
        return string(node, field: field).map { .single($0) }
    }

    private struct ProtocolFields {
        var epochs: Int?
        var steps: Int?
        var autoEval: Bool?
        var epochsNode: Node?
        var stepsNode: Node?
    }

    private mutating func protocolSection(_ node: Node) -> ProtocolFields {
        var result = ProtocolFields()
        guard let protocolFields = fields(node, of: "task.protocol", allowed: ["name", "arguments"]) else { return result }
        if let name = require(protocolFields, "name", in: "task.protocol", at: node) {
            knownName(name, field: "task.protocol.name", among: TaskFile.protocolNames)
        }
        let allowed = ["epochs_between_parameter_updates", "steps_between_parameter_updates", "auto_eval"]
        if let arguments = protocolFields["arguments"],
           let argumentFields = fields(arguments, of: "task.protocol.arguments", allowed: allowed) {
            let epochsNode = argumentFields["epochs_between_parameter_updates"]
            let stepsNode = argumentFields["steps_between_parameter_updates"]
            result.epochs = epochsNode.flatMap { positive($0, field: "task.protocol.arguments.epochs_between_parameter_updates") }
            result.steps = stepsNode.flatMap { positive($0, field: "task.protocol.arguments.steps_between_parameter_updates") }
            if let stepsNode, epochsNode != nil {
                problem("give epochs_between_parameter_updates or steps_between_parameter_updates, not both", at: stepsNode,
                        help: "a round is a number of local epochs or of local steps")
            }
            result.epochsNode = epochsNode
            result.stepsNode = stepsNode
            result.autoEval = argumentFields["auto_eval"].flatMap { bool($0, field: "task.protocol.arguments.auto_eval") }
        }
        return result
    }

    private struct ModelFields {
        var epochs: Int?
        var steps: Int?
        var batchSize: Int?
        var optimizer: TaskFile.Optimizer?
        var hiddenLayers: [Int]?
        var seed: Int?
    }

    private mutating func modelSection(_ node: Node) -> ModelFields? {
        guard let modelFields = fields(node, of: "task.model", allowed: ["name", "hyperparameters"]) else { return nil }
        if let name = require(modelFields, "name", in: "task.model", at: node) {
            knownName(name, field: "task.model.name", among: TaskFile.modelNames)
        }
        let path = "task.model.hyperparameters"
        guard let hyperparameters = require(modelFields, "hyperparameters", in: "task.model", at: node),
              let given = fields(hyperparameters, of: path,
                                 allowed: ["epochs", "steps", "batch_size", "optimizer", "hidden_layers", "seed"]) else { return nil }
        var result = ModelFields()
        result.epochs = given["epochs"].flatMap { positive($0, field: path + ".epochs") }
        result.steps = given["steps"].flatMap { positive($0, field: path + ".steps") }
        switch (given["epochs"], given["steps"]) {
        case (nil, nil):
            problem("'\(path)' needs epochs or steps", at: hyperparameters, help: "add epochs: 2 (passes over the data) or steps: 100 (batches)")
        case (.some, .some(let steps)):
            problem("give epochs or steps, not both", at: steps, help: "training lasts a number of epochs or of steps")
        default: break
        }
        result.batchSize = given["batch_size"].flatMap { positive($0, field: path + ".batch_size") }
        result.seed = given["seed"].flatMap { node in
            let value = integer(node, field: path + ".seed")
            if let value, value < 0 { wrongType(node, field: path + ".seed", expected: "a whole number of 0 or more") }
            return value
        }
        if let layers = given["hidden_layers"], let items = sequence(layers, field: path + ".hidden_layers") {
            var widths: [Int] = []
            for item in items {
                if let width = positive(item, field: path + ".hidden_layers") { widths.append(width) }
            }
            result.hiddenLayers = widths
        }
        if let optimizerNode = given["optimizer"] {
            result.optimizer = optimizer(optimizerNode, field: path + ".optimizer")
        }
        return result
    }

    private mutating func optimizer(_ node: Node, field: String) -> TaskFile.Optimizer? {
        guard let optimizerFields = fields(node, of: field, allowed: ["name", "params"]),
              let nameNode = require(optimizerFields, "name", in: field, at: node),
              let name = string(nameNode, field: field + ".name") else { return nil }
        var params: [(name: String, value: TaskFile.Number)] = []
        if let paramsNode = optimizerFields["params"], let entries = orderedFields(paramsNode, of: field + ".params") {
            for (key, _, value) in entries {
                if let number = number(value, field: field + ".params." + key) { params.append((key, number)) }
            }
        }
        let optimizer = TaskFile.Optimizer(name: name, params: params)
        // The optimizer's own check, the one Optimizer(…) makes in a script, placed on this file's line.
        let config = OptimizerConfig(name: name, params: Dictionary(params.map { ($0.name, $0.value.double) }) { first, _ in first })
        do {
            try TrainingHyperparameters(epochs: 1, optimizer: config).validate()
        } catch {
            problem("\(field): \(error)", at: nameNode, help: "optimizers are SGD, Adam and AdamW; e.g. params: {lr: 0.001}")
            return nil
        }
        return optimizer
    }

    // MARK: - Values

    /// A mapping's fields by key, after reporting every key that is not allowed.
    private mutating func fields(_ node: Node, of field: String, allowed: [String]) -> [String: Node]? {
        guard let fields = mappingFields(node, of: field, allowed: allowed) else { return nil }
        let prefix = field.contains(" ") ? "" : field + "."
        for unknown in fields.unknown {
            if let suggestion = unknown.suggestion { suggestedFields.insert(prefix + suggestion) }
            problem("unknown field '\(prefix)\(unknown.key)'", at: unknown.keyNode,
                    help: unknown.suggestion.map { "did you mean '\($0)'?" }
                        ?? "the fields here are " + allowed.map { "'\($0)'" }.joined(separator: ", "))
        }
        return Dictionary(fields.known.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    private mutating func orderedFields(_ node: Node, of field: String) -> [(String, Node, Node)]? {
        mappingFields(node, of: field, allowed: nil)?.known.map { ($0.key, $0.keyNode, $0.value) }
    }

    /// The mapping's fields, every key that is not text reported.
    private mutating func mappingFields(_ node: Node, of field: String, allowed: [String]?) -> YAMLMappingFields? {
        guard let fields = YAMLMappingFields(node, allowed: allowed) else {
            wrongType(node, field: field, expected: "a mapping of fields")
            return nil
        }
        for key in fields.nonTextKeys { wrongType(key, field: field, expected: "a mapping with text keys") }
        return fields
    }

    /// The field `key` of a mapping, or a "missing" problem at the mapping (`parent`).
    private mutating func require(_ fields: [String: Node], _ key: String, in path: String, at parent: Node?) -> Node? {
        if let value = fields[key] { return value }
        let field = path.isEmpty ? key : path + "." + key
        if !suggestedFields.contains(field) { missing(field, at: parent) }
        return nil
    }

    private mutating func knownName(_ node: Node, field: String, among names: [String]) {
        guard let name = string(node, field: field), !names.contains(name) else { return }
        let suggestion = Suggestion.closest(to: name, among: names)
        problem("'\(field)' is '\(name)', which bf does not run", at: node,
                help: suggestion.map { "did you mean '\($0)'?" } ?? "bf runs " + names.map { "'\($0)'" }.joined(separator: ", "))
    }

    private mutating func string(_ node: Node, field: String) -> String? {
        guard let text = node.text else {
            wrongType(node, field: field, expected: "text")
            return nil
        }
        return text
    }

    private mutating func sequence(_ node: Node, field: String) -> [Node]? {
        guard case let .sequence(items) = node else {
            wrongType(node, field: field, expected: "a list")
            return nil
        }
        return Array(items)
    }

    private mutating func strings(_ node: Node, field: String) -> [String]? {
        guard let items = sequence(node, field: field) else { return nil }
        var result: [String] = []
        for item in items {
            guard let text = string(item, field: field) else { return nil }
            result.append(text)
        }
        return result
    }

    private mutating func integer(_ node: Node, field: String) -> Int? {
        guard let value = node.wholeNumber else {
            wrongType(node, field: field, expected: "a whole number")
            return nil
        }
        return value
    }

    private mutating func positive(_ node: Node, field: String) -> Int? {
        guard let value = integer(node, field: field) else { return nil }
        guard value >= 1 else {
            wrongType(node, field: field, expected: "a whole number of 1 or more")
            return nil
        }
        return value
    }

    private mutating func number(_ node: Node, field: String) -> TaskFile.Number? {
        if let value = node.wholeNumber { return .int(value) }
        if let value = node.finiteNumber { return .float(value) }
        wrongType(node, field: field, expected: "a finite number")
        return nil
    }

    private mutating func bool(_ node: Node, field: String) -> Bool? {
        guard let value = node.boolean else {
            wrongType(node, field: field, expected: "true or false")
            return nil
        }
        return value
    }

    // MARK: - Problems

    private mutating func wrongType(_ node: Node, field: String, expected: String) {
        problem("'\(field)' must be \(expected), not \(node.kindDescription)", at: node,
                help: field.contains(" ") ? "write the file as fields, one 'name: value' per line" : "give '\(field)' \(expected)")
    }

    private mutating func missing(_ field: String, at parent: Node?) {
        diagnostics.append(Diagnostic(.error, "the required field '\(field)' is missing", span: parent.map(span(of:)),
                                      help: "add '\(field)' to the file"))
    }

    private mutating func problem(_ message: String, at node: Node, help: String? = nil) {
        diagnostics.append(Diagnostic(.error, message, span: span(of: node), help: help))
    }

    private func syntaxDiagnostic(_ error: YAMLSyntaxProblem) -> Diagnostic {
        let start = offset(line: error.line, column: error.column)
        if let duplicate = error.duplicate {
            return Diagnostic(.error, "'\(duplicate.key)' is given twice (first at line \(duplicate.firstLine))",
                              span: Span(start, start + duplicate.key.utf8.count), help: "keep one of the two")
        }
        return Diagnostic(.error, "not valid YAML: \(error.problem)", span: Span(start, start + 1), help: "fix the YAML syntax")
    }

    // MARK: - Positions

    /// The node's place in the file: a scalar's whole text, else its first character.
    private func span(of node: Node) -> Span {
        let (line, column) = node.position
        let start = offset(line: line, column: column)
        if case let .scalar(scalar) = node, scalar.style == .plain, !scalar.string.contains("\n") {
            return Span(start, start + max(1, scalar.string.utf8.count))
        }
        return Span(start, start + 1)
    }

    /// The byte offset of a 1-based line and column (counted in Unicode scalars, as libyaml does).
    private func offset(line: Int, column: Int) -> Int {
        guard line >= 1, line <= lineStarts.count else { return source.bytes.count }
        let text = source.line(line)
        let prefix = text.unicodeScalars.prefix(max(0, column - 1))
        return lineStarts[line - 1] + prefix.reduce(0) { $0 + String($1).utf8.count }
    }
}

extension TaskFile.Number {
    /// The value as a floating-point number.
    var double: Double {
        switch self {
        case .int(let value): return Double(value)
        case .float(let value): return value
        }
    }
}
