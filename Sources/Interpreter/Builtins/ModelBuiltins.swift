import Federation
import Foundation
import Learning
import OrderedCollections

/// The built-ins of the third step — run the task: the classifier, its optimizer, secure
/// aggregation, federated training (`model.fit` and `train model, …`), evaluation and saving.
enum ModelBuiltins {
    static let table = BuiltinTable(
        functions: [optimizer, secureAggregator, privacyConfig, privacyClause, classifier, train, evaluateStatement, loadModel],
        types: [OptimizerObject.type, SecureAggregatorObject.type, PrivacyConfigObject.type, ResultsObject.type, ModelObject.type, PredictionsObject.type])

    static let optimizer = Builtin(
        "Optimizer",
        parameters: [Parameter("name", .string, "SGD, Adam or AdamW"),
                     Parameter("params", .dict, default: .dict([:]), "e.g. {\"lr\": 0.001, \"momentum\": 0.9}")],
        summary: "an optimizer for training: Optimizer(name=\"SGD\", params={\"lr\": 0.001})", returns: OptimizerObject.type,
        validation: { arguments in
            // Checked when the call is bound, so a bad name or parameter is reported where it is written.
            guard let name = arguments.string("name") else { return }
            var numbers: [String: Double] = [:]
            if let params = arguments.value("params") {
                for (key, value) in optimizerParameters(params) {
                    guard let number = value.number else {
                        throw arguments.error("optimizer parameter '\(key)' must be a number, not \(value.typeName)", at: "params",
                                              help: "write it as a number, e.g. params={\"\(key)\": 0.001}")
                    }
                    numbers[key] = number
                }
            }
            try validate(TrainingHyperparameters(epochs: 1, optimizer: OptimizerConfig(name: name, params: numbers)), arguments)
        }
    ) { arguments in
        var numbers: [String: Double] = [:]
        for (key, value) in optimizerParameters(arguments["params"]) { numbers[key] = value.number }
        return .object(OptimizerObject(OptimizerConfig(name: arguments.string("name") ?? "", params: numbers)))
    }

    /// The entries of an optimizer's `params` dictionary.
    private static func optimizerParameters(_ params: Value) -> [(key: String, value: Value)] {
        guard case .dict(let entries) = params else { return [] }
        return entries.map { (key: $0.key, value: $0.value) }
    }

    /// Hyperparameters checked by the Learning layer's own rules, each problem placed at the
    /// argument that causes it.
    private static func validate(_ hyperparameters: TrainingHyperparameters, _ arguments: KnownArguments) throws {
        do {
            try hyperparameters.validate()
        } catch {
            switch error {
            case .hyperparameterNotPositive(let name, _): throw arguments.error(error.description, at: name, help: error.help)
            case .epochsAndStepsBothGiven: throw arguments.error(error.description, at: "steps", help: error.help)
            case .unknownOptimizer: throw arguments.error(error.description, at: "name", help: error.help)
            case .unknownOptimizerParameter, .invalidOptimizerParameter: throw arguments.error(error.description, at: "params", help: error.help)
            default: throw RuntimeError(error.description, span: arguments.callSpan, help: error.help)
            }
        }
    }

    /// The classifier's counts and batch size, judged before it is built. A count written as
    /// a variable is not known before the run (in `bf check`): a valid count then holds its
    /// place, and whether both epochs and steps are given is left to the run.
    private static func validateClassifier(_ arguments: KnownArguments) throws {
        let countsKnown = arguments.isKnown("epochs") && arguments.isKnown("steps")
        try validate(TrainingHyperparameters(
            epochs: countsKnown ? arguments.int("epochs") : 1, steps: countsKnown ? arguments.int("steps") : nil,
            batchSize: arguments.int("batch_size") ?? 512), arguments)
    }

    static let secureAggregator = Builtin(
        "SecureAggregator",
        parameters: [
            Parameter("threshold", .optional(.int), kind: .keyword, default: Value.none,
                      "with require_all_pods=False: the pods that must remain for a round to finish (default about two thirds)"),
            Parameter("neighbours", .optional(.int), kind: .keyword, default: Value.none,
                      "with require_all_pods=False: how many other pods each pod masks with (default all; fewer is SecAgg+'s sparse graph)"),
        ],
        summary: "secure aggregation for training: the modeller only ever sees the sum of the pods' updates",
        details: "Every pod masks its update with pairwise masks that cancel in the sum. With require_all_pods=False the "
            + "masks survive pods that drop (SecAgg+): each pod Shamir-shares its mask secrets with its neighbours, and while "
            + "at least `threshold` pods remain the round finishes with the survivors' average.",
        returns: SecureAggregatorObject.type, validation: validateSecureAggregator
    ) { arguments in
        .object(SecureAggregatorObject(threshold: arguments.int("threshold"), neighbours: arguments.int("neighbours")))
    }

    private static func validateSecureAggregator(_ arguments: KnownArguments) throws {
        if let threshold = arguments.int("threshold"), threshold < 2 {
            throw arguments.error("threshold is \(threshold): at least 2 pods must remain for their sum to hide each one",
                                  at: "threshold", help: "leave it out for about two thirds of the pods")
        }
        if let neighbours = arguments.int("neighbours"), neighbours < 1 {
            throw arguments.error("neighbours is \(neighbours): each pod must mask with at least 1 other",
                                  at: "neighbours", help: "leave it out for every other pod")
        }
    }

    private static let privacyParameters: [Parameter] = [
        Parameter("epsilon", .number, kind: .keyword, "the ε the training may spend at each pod (all rounds)"),
        Parameter("delta", .optional(.number), kind: .keyword, default: Value.none, "the δ of the guarantee; by default each pod's (1e-6 unless it says)"),
        Parameter("max_grad_norm", .number, kind: .keyword, default: .float(1), "C: each row's gradient is clipped to this norm"),
        Parameter("noise_multiplier", .optional(.number), kind: .keyword, default: Value.none,
                  "accepted for Bitfount's code and not used: each pod chooses the noise that keeps within epsilon"),
        Parameter("mode", .string, kind: .keyword, default: .string("local"),
                  "\"local\": DP-SGD at every pod (each row protected); \"central\": noise on the securely aggregated sum (each pod as a whole)"),
    ]

    private static let privacyDetails = "DP-SGD at every pod: each row's gradient clipped to max_grad_norm, Gaussian noise added by the pod, "
        + "batches sampled with probability batch_size/rows. Each pod chooses the noise for the whole training from its own rows "
        + "and refuses a training that would spend more than its budget allows; the spent ε is shown after every round."

    /// The privacy request of a `DPModellerConfig(…)` or `privacy …` call from its numbers,
    /// checked where it is written (`place` puts a problem at its argument); nil while
    /// epsilon is not known (`bf check`).
    private static func privacyRequest(_ number: (String) -> Double?, mode modeName: String?,
                                       placing place: (String, String, String?) -> RuntimeError) throws -> PrivacyRequest? {
        guard let epsilon = number("epsilon") else { return nil }
        guard let mode = PrivacyRequest.PrivacyMode(rawValue: modeName ?? "local") else {
            throw place("there is no privacy mode '\(modeName ?? "")'", "mode", "the modes are \"local\" and \"central\"")
        }
        let request = PrivacyRequest(epsilon: epsilon, delta: number("delta"), maxGradNorm: number("max_grad_norm") ?? 1, mode: mode)
        do throws(TrainingError) {
            try request.validate()
        } catch {
            guard case let .invalidPrivacyRequest(field, value, requirement) = error else { throw error }
            throw place("\(field) is \(value): it must be \(requirement)", field, "e.g. DPModellerConfig(epsilon=3, max_grad_norm=1.0)")
        }
        return request
    }

    private static func validatePrivacy(_ arguments: KnownArguments) throws {
        _ = try privacyRequest({ arguments.value($0)?.number }, mode: arguments.isKnown("mode") ? arguments.string("mode") : nil,
                               placing: arguments.error)
    }

    private static func makePrivacyConfig(_ arguments: CallArguments) throws -> Value {
        guard let request = try privacyRequest(arguments.double, mode: arguments.string("mode"), placing: arguments.error) else {
            return .none
        }
        if arguments.double("noise_multiplier") != nil {
            arguments.context.notice("note: noise_multiplier is not used: each pod chooses the noise that keeps the training within epsilon")
        }
        return .object(PrivacyConfigObject(request))
    }

    static let privacyConfig = Builtin(
        "DPModellerConfig", parameters: privacyParameters,
        summary: "differential privacy for training: DPModellerConfig(epsilon=3, delta=1e-6, max_grad_norm=1.0)",
        details: privacyDetails, returns: PrivacyConfigObject.type, validation: validatePrivacy
    ) { arguments in try makePrivacyConfig(arguments) }

    static let privacyClause = Builtin(
        "privacy", parameters: privacyParameters,
        summary: "differential privacy in a statement: train model, privacy epsilon=3 is model.fit(privacy=DPModellerConfig(epsilon=3))",
        details: privacyDetails, returns: PrivacyConfigObject.type, validation: validatePrivacy
    ) { arguments in try makePrivacyConfig(arguments) }

    static let classifier = Builtin(
        "PyTorchTabularClassifier",
        parameters: [
            Parameter("datastructure", .object(DataStructureObject.type), kind: .keyword, "the target and columns"),
            Parameter("schema", .object(SchemaObject.type), kind: .keyword, "the pod's or the combined schema"),
            Parameter("epochs", .optional(.int), kind: .keyword, default: Value.none, "epochs of training, at most \(TrainingHyperparameters.maximumEpochs) (or steps)"),
            Parameter("steps", .optional(.int), kind: .keyword, default: Value.none, "batches of training, at most \(TrainingHyperparameters.maximumSteps) (or epochs)"),
            Parameter("batch_size", .int, kind: .keyword, default: .int(512), "rows per batch"),
            Parameter("optimizer", .optional(.object(OptimizerObject.type)), kind: .keyword, default: Value.none,
                      "default Optimizer(name=\"AdamW\", params={\"lr\": 0.01})"),
            Parameter("hidden_layers", .list(.int), kind: .keyword, default: .list([.int(1000), .int(500)]), "widths of the hidden layers"),
            Parameter("seed", .int, kind: .keyword, default: .int(0), "seed of initialisation, shuffling and dropout"),
            Parameter("dp_config", .optional(.object(PrivacyConfigObject.type)), kind: .keyword, default: Value.none,
                      "differential privacy: DPModellerConfig(epsilon=3)"),
        ],
        summary: "a tabular classifier: an embedding per categorical input, hidden layers, trained at the pods",
        details: "Defaults as Bitfount's: hidden layers [1000, 500] (Linear → Mish → BatchNorm → Dropout 0.01, 0.1), embedding dropout 0.04, AdamW lr 0.01, batch size 512. Give exactly one of epochs and steps.",
        returns: ModelObject.type, validation: validateClassifier
    ) { arguments in
        guard let structure = arguments.object("datastructure", as: DataStructureObject.self),
              let schemaObject = arguments.object("schema", as: SchemaObject.self) else { return .none }
        var resolved = structure.structure
        if case .pod(let podSchema) = schemaObject.content {
            resolved = try await arguments.context.federation().modeller.resolvingTableKeys(of: resolved, for: [podSchema.pod]) ?? resolved
        }
        let combined = try combinedSchema(schemaObject, structure: resolved, arguments: arguments)
        var layers: [Int] = []
        if case .list(let values) = arguments["hidden_layers"] {
            for case .int(let width) in values { layers.append(width) }
        }
        let dropouts = layers.indices.map { $0 == 0 ? 0.01 : 0.1 }
        let hyperparameters = TrainingHyperparameters(
            epochs: arguments.int("epochs"), steps: arguments.int("steps"), batchSize: arguments.int("batch_size") ?? 512,
            optimizer: arguments.object("optimizer", as: OptimizerObject.self)?.config ?? OptimizerConfig(name: "AdamW", params: ["lr": 0.01]),
            seed: UInt64(max(0, arguments.int("seed") ?? 0)))
        try hyperparameters.validate()
        let specification = try ModelSpecification(schema: combined, architecture: TabularArchitecture(hiddenLayers: layers, hiddenDropouts: dropouts),
                                                   hyperparameters: hyperparameters,
                                                   privacy: arguments.object("dp_config", as: PrivacyConfigObject.self)?.request)
        arguments.context.notice(inputsNote(specification, schema: combined))
        return .object(ModelObject(specification: specification))
    }

    /// The one line a built model is announced with: how many inputs of each kind it reads
    /// (the first few by name) and which used columns it skips and why, so that no column
    /// of the task is left out in silence.
    static func inputsNote(_ specification: ModelSpecification, schema: CombinedSchema) -> String {
        func names(_ list: [String]) -> String {
            list.prefix(3).joined(separator: ", ") + (list.count > 3 ? ", …" : "")
        }
        var inputs: [String] = []
        if !specification.categorical.isEmpty {
            inputs.append("\(specification.categorical.count) categorical (\(names(specification.categorical.map(\.name))))")
        }
        if !specification.continuous.isEmpty {
            inputs.append("\(specification.continuous.count) continuous (\(names(specification.continuous)))")
        }
        var text = "note: model inputs: " + inputs.joined(separator: ", ")
        var skippedByType: [(type: SemanticType, columns: [String])] = []
        for name in specification.skippedColumns {
            let type = schema.column(named: name)?.semanticType ?? .text
            if let index = skippedByType.firstIndex(where: { $0.type == type }) {
                skippedByType[index].columns.append(name)
            } else {
                skippedByType.append((type, [name]))
            }
        }
        if !skippedByType.isEmpty {
            text += "; skipped: " + skippedByType.map { type, columns in
                "\(columns.count) \(type.rawValue) column\(columns.count == 1 ? "" : "s") (\(columns.joined(separator: ", ")))"
            }.joined(separator: ", ")
            text += ": the classifier reads only categorical and continuous columns"
        }
        return text
    }

    private static let fitParameters: [Parameter] = [
        Parameter("pod_identifiers", .optional(.list(.string)), kind: .keyword, default: Value.none, "the pods; by default the chosen pods"),
        Parameter("aggregator", .any, kind: .keyword, default: Value.none, "SecureAggregator() or \"secure\" for secure aggregation"),
        Parameter("require_all_pods", .bool, kind: .keyword, default: .bool(true), "stop if a pod refuses or fails, rather than go on without it"),
        Parameter("epochs_between_parameter_updates", .optional(.int), kind: .keyword, default: Value.none, "local epochs per round"),
        Parameter("steps_between_parameter_updates", .optional(.int), kind: .keyword, default: Value.none, "local steps per round"),
        Parameter("weighting", .string, kind: .keyword, default: .string("sample_count"), "\"sample_count\" or \"equal\" (Bitfount's)"),
        Parameter("auto_eval", .bool, kind: .keyword, default: .bool(true), "score the final model on every pod's test rows"),
        Parameter("server_optimizer", .string, kind: .keyword, default: .string("fedavg"),
                  "\"fedavg\" (apply the average) or \"fedadam\" (adaptive, for pods whose data differ)"),
        Parameter("mu", .optional(.number), kind: .keyword, default: Value.none, "FedProx: μ/2·‖w − w_global‖² added to each pod's loss"),
        Parameter("resume", .bool, kind: .keyword, default: .bool(false),
                  "continue this training from its last checkpoint (saved after every round)"),
        Parameter("privacy", .optional(.object(PrivacyConfigObject.type)), kind: .keyword, default: Value.none,
                  "differential privacy for this training, in place of the model's dp_config: privacy epsilon=3"),
    ]

    private static let fitDetails = "Federated averaging: every round each pod trains from the global model on its own rows and sends back its change, which the modeller averages; with secure aggregation it sees only the sum. Returns one row of validation metrics per round."

    static let fitMethod = Builtin("fit", parameters: fitParameters, summary: "train the model at the pods by federated averaging",
                                   details: fitDetails, returns: ResultsObject.type, validation: validateFit) { arguments in
        guard let model = arguments.receiver as? ModelObject else { return .none }
        return try await fit(model, arguments)
    }

    static let train = Builtin.statementForm(
        of: fitMethod, named: "train", receiver: Parameter("model", .object(ModelObject.type), "the model"),
        summary: "train a model at the pods: train model, aggregator=\"secure\" is model.fit(aggregator=\"secure\")")

    private static let evaluateParameters: [Parameter] = [
        Parameter("pod_identifiers", .optional(.list(.string)), kind: .keyword, default: Value.none, "the pods; by default the chosen pods"),
    ]

    static let evaluateMethod = Builtin("evaluate", parameters: evaluateParameters,
                                        summary: "the trained model's test metrics at each pod, and pooled", returns: TableObject.type) { arguments in
        guard let model = arguments.receiver as? ModelObject else { return .none }
        return try await evaluate(model, arguments)
    }

    static let evaluateStatement = Builtin.statementForm(
        of: evaluateMethod, named: "evaluate", receiver: Parameter("model", .object(ModelObject.type), "the model"),
        summary: "test metrics of a trained model at each pod, and pooled: evaluate model")

    static let predictMethod = Builtin(
        "predict",
        parameters: evaluateParameters + [
            Parameter("counts_only", .bool, kind: .keyword, default: .bool(false),
                      "only how many rows fall in each class, which needs no pod setting"),
        ],
        summary: "each test row's predicted class and probabilities, from pods that allow it (allow_row_predictions)",
        details: "Bitfount returns predictions to the modeller; in bf each pod decides. A pod whose YAML sets allow_row_predictions: true sends each of its test rows' class probabilities, identified by the row's index in its test split and nothing else; a pod without it refuses, naming the setting. counts_only=True asks every pod only for how many rows it predicts in each class. bf run --predictions OUT.csv writes the last predictions of a run.",
        returns: PredictionsObject.type
    ) { arguments in
        guard let model = arguments.receiver as? ModelObject else { return .none }
        guard let trained = model.trained else {
            throw RuntimeError(.modelNotTrained(canLoad: true))
        }
        let federation = try arguments.context.federation()
        let pods = try federation.pods(FederationBuiltins.strings(arguments["pod_identifiers"]), for: "predict on")
        let countsOnly = arguments.bool("counts_only") ?? false
        let results = try await federation.modeller.predict(trained, on: pods, rowScores: !countsOnly)
        if !countsOnly {
            arguments.context.recordPredictions(results)
            return .object(PredictionsObject(results))
        }
        let rows = results.pods.map { summary in
            [summary.pod.description, String(summary.rowCount)] + summary.predictedCounts.map(String.init)
        } + [["all pods", String(results.pods.reduce(0) { $0 + $1.rowCount })] + results.predictedCounts.map(String.init)]
        return .object(TableObject(title: "predicted classes of the test rows (counts):",
                                   table: PlainTextTable(headers: ["pod", "rows"] + results.classes.map { "predicted \($0)" }, rows: rows)))
    }

    static let deserializeMethod = Builtin(
        "deserialize", parameters: [Parameter("path", .path, "a model file written by model.serialize(…)")],
        summary: "load a saved model's parameters, encoders and standardisation into this model",
        details: "The file must describe this model: the same target, columns, encoders and hidden layers (the hyperparameters may differ). load_model(path) makes the model from the file alone."
    ) { arguments in
        guard let model = arguments.receiver as? ModelObject else { return .none }
        let path = arguments.string("path") ?? ""
        let loaded = try TrainedModel.load(from: path)
        let mine = model.specification
        guard try loaded.specification.replacingHyperparameters(mine.hyperparameters) == mine else {
            throw RuntimeError(.modelFileDoesNotFit(path: path, difference: ModelBuiltins.difference(loaded.specification, mine)))
        }
        model.trained = try TrainedModel(specification: mine, parameters: loaded.parameters,
                                         standardisation: loaded.standardisation, batchesTracked: loaded.batchesTracked)
        arguments.context.write("loaded the model from \(path)\n")
        return .none
    }

    static let loadModel = Builtin(
        "load_model", parameters: [Parameter("path", .path, "a model file written by model.serialize(…)")],
        summary: "a trained model restored from a file model.serialize(…) wrote: encoders, standardisation and all",
        details: "The model predicts exactly as the one saved. A file that is not a bf model, is truncated, or comes from a newer bf is refused.",
        returns: ModelObject.type
    ) { arguments in
        let loaded = try TrainedModel.load(from: arguments.string("path") ?? "")
        let model = ModelObject(specification: loaded.specification)
        model.trained = loaded
        return .object(model)
    }

    /// What differs between the model of a file and the model object, in the user's words.
    static func difference(_ file: ModelSpecification, _ model: ModelSpecification) -> String {
        if file.target != model.target { return "its target is \(Value.quote(file.target.name)) with classes \(file.classes), not \(Value.quote(model.target.name)) with \(model.classes)" }
        if file.categorical.map(\.name) != model.categorical.map(\.name) || file.continuous != model.continuous {
            return "its input columns are \(file.categorical.map(\.name) + file.continuous), not \(model.categorical.map(\.name) + model.continuous)"
        }
        if let column = zip(file.categorical, model.categorical).first(where: { $0.0 != $0.1 }) {
            return "column \(Value.quote(column.0.name)) has categories \(column.0.encoder.values), not \(column.1.encoder.values)"
        }
        if file.architecture != model.architecture { return "its hidden layers are \(file.architecture.hiddenLayers), not \(model.architecture.hiddenLayers)" }
        return "its columns differ"
    }

    static let serializeMethod = Builtin(
        "serialize", parameters: [Parameter("path", .path, "where to write the model")],
        summary: "save the trained model as safetensors, with its schema's encoders and hyperparameters"
    ) { arguments in
        guard let model = arguments.receiver as? ModelObject else { return .none }
        guard let trained = model.trained else {
            throw RuntimeError(.modelNotTrained(canLoad: false))
        }
        let path = arguments.string("path") ?? ""
        try trained.save(to: path, metadata: ["bf.version": arguments.context.version])
        let suffix = URL(fileURLWithPath: path).pathExtension
        if suffix != "safetensors" {
            arguments.context.notice("note: '\(path)' holds safetensors (bf's format), whatever its .\(suffix.isEmpty ? "" : suffix) extension says")
        }
        arguments.context.write("saved the model to \(path)\n")
        return .none
    }

    // MARK: - Implementations

    private static func combinedSchema(_ schema: SchemaObject, structure: DataStructure, arguments: CallArguments) throws -> CombinedSchema {
        switch schema.content {
        case .pod(let podSchema):
            return try SchemaVerifier.combine([podSchema], dataStructure: structure)
        case .combined(let combined):
            guard combined.target == structure.target else {
                throw arguments.error("the schema was combined without this data structure's target", at: "schema",
                                      help: "combine the schemas after making the data structure: combine_pod_schemas([…], datastructure=ds)")
            }
            return combined
        }
    }

    private static func weighting(named name: String?) -> AggregationWeighting? {
        switch name {
        case "equal": return .equal
        case "sample_count": return .sampleCount
        default: return nil
        }
    }

    private static func serverOptimizer(named name: String?) -> ServerOptimizer? {
        switch name {
        case "fedavg": return .plain
        case "fedadam": return .fedAdam(FedAdam())
        default: return nil
        }
    }

    /// The options of `fit` and `train` that can be judged before the run.
    private static func validateFit(_ arguments: KnownArguments) throws {
        if let name = arguments.string("weighting"), weighting(named: name) == nil {
            throw arguments.error("unknown weighting '\(name)'", at: "weighting", help: "use \"sample_count\" or \"equal\"")
        }
        if let name = arguments.string("server_optimizer"), serverOptimizer(named: name) == nil {
            throw arguments.error("unknown server optimizer '\(name)'", at: "server_optimizer", help: "use \"fedavg\" or \"fedadam\"")
        }
        if let mu = arguments.value("mu")?.number, mu < 0 || !mu.isFinite {
            throw arguments.error("mu must be a finite number ≥ 0, not \(Value.format(mu))", at: "mu")
        }
    }

    private static func fit(_ model: ModelObject, _ arguments: CallArguments) async throws -> Value {
        let context = arguments.context
        let federation = try context.federation()
        let pods = try federation.pods(FederationBuiltins.strings(arguments["pod_identifiers"]), for: "train on")
        guard let weighting = weighting(named: arguments.string("weighting")),
              let serverOptimizer = serverOptimizer(named: arguments.string("server_optimizer")) else { return .none }
        let options = FederatedAveragingOptions(
            epochsBetweenParameterUpdates: arguments.int("epochs_between_parameter_updates"),
            stepsBetweenParameterUpdates: arguments.int("steps_between_parameter_updates"),
            secureAggregation: try FederationBuiltins.isSecure(arguments["aggregator"], arguments: arguments),
            weighting: weighting, serverOptimizer: serverOptimizer, proximalMu: arguments.double("mu"),
            requireAllPods: arguments.bool("require_all_pods") ?? true, autoEval: arguments.bool("auto_eval") ?? true,
            secureAggregationThreshold: arguments.object("aggregator", as: SecureAggregatorObject.self)?.threshold,
            secureAggregationNeighbours: arguments.object("aggregator", as: SecureAggregatorObject.self)?.neighbours)
        var specification = model.specification
        if let privacy = arguments.object("privacy", as: PrivacyConfigObject.self) {
            specification = try specification.replacingPrivacy(privacy.request)
        }
        let training = try await federation.modeller.training(on: pods, specification: specification, options: options)
        var resumed: TrainingState?
        if arguments.bool("resume") == true {
            let saved = try training.checkpoints.last()
            resumed = saved?.state
            context.notice(saved.map { "note: resuming after round \($0.state.completedRounds) from \($0.record.file.path)" }
                           ?? "note: no checkpoint of this training to resume; starting at round 1")
        }
        let report = TrainingReport(context: context, continuousInputs: !specification.continuous.isEmpty, privacy: specification.privacy)
        defer { context.progress(nil) }
        var saved = resumed?.completedRounds ?? 0
        let results = try await training.run(resumingFrom: resumed, keepingCheckpoints: true).results { event in
            report.show(event)
            if case .checkpoint(let state) = event { saved = state.completedRounds }
            if context.isInterrupted {
                context.progress(nil)
                context.notice("note: stopped after round \(saved); train again with resume=True to continue from there")
                throw Interrupted()
            }
        }
        model.trained = results.model
        if let names = results.rounds.first?.combined.namedValues.map(\.name) {
            context.attach(MetricsChart(title: "validation metrics per round", series: names.map { name in
                (name, results.rounds.map { $0.combined.value(named: name) ?? .nan })
            }))
        }
        return .object(ResultsObject(results.rounds))
    }

    private static func evaluate(_ model: ModelObject, _ arguments: CallArguments) async throws -> Value {
        guard let trained = model.trained else {
            throw RuntimeError(.modelNotTrained(canLoad: false))
        }
        let federation = try arguments.context.federation()
        let pods = try federation.pods(FederationBuiltins.strings(arguments["pod_identifiers"]), for: "evaluate on")
        let results = try await federation.modeller.evaluate(trained, on: pods)
        return .object(TrainingReport.evaluationTable(results))
    }
}
