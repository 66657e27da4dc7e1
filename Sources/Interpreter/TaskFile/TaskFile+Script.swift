import Language

extension TaskFile {
    /// The bf code this task stands for: the statements of tutorial 5's cell (data structure,
    /// combined schema, classifier, `fit`), so a task file runs through the same built-ins
    /// as a script and prints the same. `name` is what diagnostics call the code.
    public func script(name: String) -> SourceFile {
        var lines = ["# the task file \(name), as bf statements"]
        var structure = ["target=\(literal(target))"]
        switch table {
        case .single(let name)?: structure.append("table=\(literal(name))")
        case .perPod(let tables)?:
            structure.append("table={" + tables.map { "\(literal($0.pod)): \(literal($0.table))" }.joined(separator: ", ") + "}")
        case nil: break
        }
        if let selectedColumns { structure.append("selected_cols=\(literal(selectedColumns))") }
        if let ignoredColumns { structure.append("ignore_cols=\(literal(ignoredColumns))") }
        lines.append("datastructure = DataStructure(\(structure.joined(separator: ", ")))")
        lines.append("schema = combine_pod_schemas(\(literal(pods)), datastructure=datastructure)")

        var model = ["datastructure=datastructure", "schema=schema"]
        if let epochs { model.append("epochs=\(epochs)") }
        if let steps { model.append("steps=\(steps)") }
        if let batchSize { model.append("batch_size=\(batchSize)") }
        if let optimizer {
            let params = optimizer.params.map { "\(literal($0.name)): \($0.value.literal)" }.joined(separator: ", ")
            model.append("optimizer=Optimizer(name=\(literal(optimizer.name)), params={\(params)})")
        }
        if let hiddenLayers { model.append("hidden_layers=[" + hiddenLayers.map(String.init).joined(separator: ", ") + "]") }
        if let seed { model.append("seed=\(seed)") }
        lines.append("model = PyTorchTabularClassifier(\(model.joined(separator: ", ")))")

        var fit = ["pod_identifiers=\(literal(pods))"]
        if secureAggregation { fit.append("aggregator=SecureAggregator()") }
        if let epochsBetweenParameterUpdates { fit.append("epochs_between_parameter_updates=\(epochsBetweenParameterUpdates)") }
        if let stepsBetweenParameterUpdates { fit.append("steps_between_parameter_updates=\(stepsBetweenParameterUpdates)") }
        if let autoEval { fit.append("auto_eval=\(autoEval ? "True" : "False")") }
        lines.append("results = model.fit(\(fit.joined(separator: ", ")))")
        lines.append("results")
        return SourceFile(name: name, text: lines.joined(separator: "\n") + "\n")
    }

    private func literal(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return "\"" + escaped + "\""
    }

    private func literal(_ texts: [String]) -> String {
        "[" + texts.map(literal).joined(separator: ", ") + "]"
    }
}

extension TaskFile.Number {
    /// The number as a bf literal.
    var literal: String {
        switch self {
        case .int(let value): return String(value)
        case .float(let value): return "\(value)"
        }
    }
}
