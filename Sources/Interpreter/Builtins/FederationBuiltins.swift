import Diagnostics
import Federation
import Foundation
import OrderedCollections

/// The built-ins of the first two steps of the workflow — confirm permissions, verify data
/// structures — and of making pods in code (tutorial 1). Pods decide access themselves; these
/// built-ins ask and show the answers.
enum FederationBuiltins {
    static let table = BuiltinTable(
        functions: [pods, getPodSchema, dataStructure, combineSchemas, checkAccess, whoami,
                    pod, csvSource, podDetailsConfig, podDataConfig, loadPodConfig, demoFile, grant, revoke, approve,
                    setPrivacyLimits],
        types: [SchemaObject.type, DataStructureObject.type, TableObject.type, PodObject.type,
                SettingsObject.csvSource, SettingsObject.podDetails, SettingsObject.podData])

    private static let podNames = ValueType.oneOf([.string, .list(.string)])

    static let pods = Builtin(
        "pods",
        parameters: [Parameter("pods", podNames, kind: .variadic, "pods to choose for what follows")],
        summary: "list the pods you can see, or choose pods and check your access to them",
        details: """
        pods                       lists every pod with its owner, rows, your role and the pods it approves.
        pods "a", "b"              chooses pods for the statements that follow (combine_schemas, train …)
                                   and asks each pod now whether it would accept a training task from you.
        """,
        statementName: "pods", returns: TableObject.type
    ) { arguments in
        let federation = try arguments.context.federation()
        let names = flatten(arguments.variadic)
        guard !names.isEmpty else {
            let listings = try await federation.modeller.pods()
            return .object(TableObject(title: "pods you can see, as \(federation.identity.name):",
                                       table: PodListing.table(listings)))
        }
        let report = try await federation.modeller.checkAccess(names, task: .train)
        federation.chosenPods = names
        return .object(try await accessTable(report, federation: federation, title: "chosen pods, and whether each would train with you:"))
    }

    static let getPodSchema = Builtin(
        "get_pod_schema",
        parameters: [Parameter("pod_identifier", .string, "the pod, as 'name' or 'owner/name'")],
        summary: "the schema of one pod: columns, types, missing values, categories",
        returns: SchemaObject.type
    ) { arguments in
        let federation = try arguments.context.federation()
        return .object(SchemaObject(.pod(try await federation.modeller.schema(of: arguments.string("pod_identifier") ?? ""))))
    }

    static let dataStructure = Builtin(
        "DataStructure", aliases: ["datastructure"],
        parameters: [
            Parameter("target", .optional(.string), kind: .keyword, default: Value.none, "the column to predict"),
            Parameter("table", .optional(.oneOf([.string, .dict])), kind: .keyword, default: Value.none,
                      "one table name, or a pod → table dictionary; by default each pod's own table"),
            Parameter("selected_cols", .optional(.list(.string)), kind: .keyword, default: Value.none, "use only these columns"),
            Parameter("ignore_cols", .optional(.list(.string)), kind: .keyword, default: Value.none, "use every column but these"),
        ],
        summary: "which target, tables and columns a task uses",
        details: "When pods are chosen, the data structure is checked against their schemas at once. It becomes the session's data structure for combine_schemas and training.",
        statementName: "datastructure", returns: DataStructureObject.type
    ) { arguments in
        var table: DataStructure.TableSelection?
        switch arguments["table"] {
        case .string(let name): table = .single(name)
        case .dict(let entries):
            var tables: [String: String] = [:]
            for (pod, value) in entries {
                guard case .string(let name) = value else {
                    throw arguments.error("the table of pod '\(pod)' must be a string, not \(value.typeName)", at: "table")
                }
                tables[pod] = name
            }
            table = .perPod(tables)
        default: table = nil
        }
        let structure = try DataStructure(target: arguments.string("target"), table: table,
                                          selectedColumns: strings(arguments["selected_cols"]),
                                          ignoredColumns: strings(arguments["ignore_cols"]))
        let federation = try arguments.context.federation()
        if !federation.chosenPods.isEmpty {
            let schemas = try await federation.modeller.schemas(of: federation.chosenPods)
            let resolved = try await federation.modeller.resolvingTableKeys(of: structure, for: schemas.map(\.pod))
            _ = try verify(schemas, resolved)
        }
        let object = DataStructureObject(structure)
        federation.currentDataStructure = object
        return .object(object)
    }

    static let combineSchemas = Builtin(
        "combine_pod_schemas", aliases: ["combine_schemas"],
        parameters: [
            Parameter("pod_identifiers", .optional(.list(.string)), default: Value.none, "the pods; by default the chosen pods"),
            Parameter("datastructure", .optional(.object(DataStructureObject.type)), kind: .keyword, default: Value.none,
                      "the columns to verify; by default the session's data structure"),
        ],
        summary: "fetch the pods' schemas, verify that they agree, and combine them",
        details: """
        Every column used must have the same header in every pod (order does not matter, extra columns are allowed), \
        and a categorical column must have the same values in every pod. Every disagreement is reported at once.
        """,
        statementName: "combine_schemas", returns: SchemaObject.type
    ) { arguments in
        try await combine(arguments)
    }

    // Verification (typed throws) happens in `verify`, outside this async body: Swift 6.3's
    // optimiser crashes splitting the coroutine when the typed-throws call is inlined here.
    private static func combine(_ arguments: CallArguments) async throws -> Value {
        let federation = try arguments.context.federation()
        let names = try federation.pods(strings(arguments["pod_identifiers"]), for: "combine")
        var structure = federation.currentDataStructure?.structure
        if let given = arguments.object("datastructure", as: DataStructureObject.self) { structure = given.structure }
        let schemas = try await federation.modeller.schemas(of: names)
        structure = try await federation.modeller.resolvingTableKeys(of: structure, for: schemas.map(\.pod))
        let combined = try verify(schemas, structure)
        federation.chosenPods = names
        return .object(SchemaObject(.combined(combined)))
    }

    static let checkAccess = Builtin(
        "check_access",
        parameters: [
            Parameter("pod_identifiers", .optional(.list(.string)), default: Value.none, "the pods; by default the chosen pods"),
            Parameter("task", .string, kind: .keyword, default: .string("train"), "schema, train, evaluate, sql or predict"),
            Parameter("aggregator", .any, kind: .keyword, default: Value.none, "\"secure\" to check secure-aggregation approvals"),
        ],
        summary: "ask each pod whether it would accept a task from you, and show who approves whom",
        returns: TableObject.type
    ) { arguments in
        let federation = try arguments.context.federation()
        let names = try federation.pods(strings(arguments["pod_identifiers"]), for: "check")
        let taskName = arguments.string("task") ?? "train"
        guard let kind = TaskKind(rawValue: taskName) else {
            throw arguments.error("unknown task '\(taskName)'", at: "task",
                                  help: "tasks are " + TaskKind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
        }
        let secure = try isSecure(arguments["aggregator"], arguments: arguments)
        let report = try await federation.modeller.checkAccess(names, task: kind, secureAggregation: secure)
        let title = "\(kind.rawValue) task\(secure ? " with secure aggregation" : ""), as \(federation.identity.name):"
        return .object(try await accessTable(report, federation: federation, title: title))
    }

    static let whoami = Builtin(
        "whoami", summary: "who you are here: your user, key fingerprint, home and roles", returns: TableObject.type
    ) { arguments in
        .object(try whoamiTable(try arguments.context.federation()))
    }

    static let pod = Builtin(
        "Pod",
        parameters: [
            Parameter("name", .string, "the pod's name, unique among your pods"),
            Parameter("datasource", .object(SettingsObject.csvSource), "the pod's data: CSVSource(path)"),
            Parameter("pod_details_config", .optional(.object(SettingsObject.podDetails)), kind: .keyword, default: Value.none,
                      "display name and description"),
            Parameter("data_config", .optional(.object(SettingsObject.podData)), kind: .keyword, default: Value.none,
                      "ignored columns, forced semantic types, seed"),
            Parameter("approved_pods", .list(.string), kind: .keyword, default: .list([]),
                      "pods this pod accepts as partners in secure aggregation"),
        ],
        summary: "describe a pod in code (tutorial 1); pod.start() registers it",
        returns: PodObject.type
    ) { arguments in
        guard let source = arguments.object("datasource", as: SettingsObject.self), case .string(let path)? = source.values["path"] else {
            throw arguments.error("the datasource needs a path", at: "datasource")
        }
        let details = arguments.object("pod_details_config", as: SettingsObject.self)
        let data = arguments.object("data_config", as: SettingsObject.self)
        let name = arguments.string("name") ?? ""
        let spec = PodSpec(
            name: name, owner: "", displayName: details.flatMap { $0.values["display_name"] }.flatMap(stringValue),
            description: details.flatMap { $0.values["description"] }.flatMap(stringValue) ?? "",
            dataPath: URL(fileURLWithPath: path), dataConfig: try dataConfig(data, arguments: arguments),
            approvedPods: strings(arguments["approved_pods"]) ?? [])
        return .object(PodObject(spec))
    }

    static let csvSource = Builtin(
        "CSVSource", parameters: [Parameter("path", .path, "the CSV file")],
        summary: "a CSV file as a pod's data source", returns: SettingsObject.csvSource
    ) { arguments in
        let path = URL(fileURLWithPath: arguments.string("path") ?? "").standardizedFileURL.path
        return .object(SettingsObject(SettingsObject.csvSource, ["path": .string(path)]))
    }

    static let podDetailsConfig = Builtin(
        "PodDetailsConfig",
        parameters: [
            Parameter("display_name", .string, kind: .keyword, default: .string(""), "the name shown to people"),
            Parameter("description", .string, kind: .keyword, default: .string(""), "what the data is"),
        ],
        summary: "a pod's display name and description", returns: SettingsObject.podDetails
    ) { arguments in
        .object(SettingsObject(SettingsObject.podDetails, ["display_name": arguments["display_name"], "description": arguments["description"]]))
    }

    static let podDataConfig = Builtin(
        "PodDataConfig",
        parameters: [
            Parameter("ignore_cols", .list(.string), kind: .keyword, default: .list([]), "columns the pod never reads"),
            Parameter("force_stypes", .dict, kind: .keyword, default: .dict([:]),
                      "per table: {\"categorical\": […], \"continuous\": […], \"text\": […]}"),
            Parameter("datasource_args", .dict, kind: .keyword, default: .dict([:]), "{\"seed\": N} for the data split"),
        ],
        summary: "how a pod reads its data", returns: SettingsObject.podData
    ) { arguments in
        .object(SettingsObject(SettingsObject.podData, ["ignore_cols": arguments["ignore_cols"], "force_stypes": arguments["force_stypes"],
                                                        "datasource_args": arguments["datasource_args"]]))
    }

    static let loadPodConfig = Builtin(
        "load_pod_config",
        parameters: [Parameter("path", .path, "a pod YAML file with tutorial 2's fields")],
        summary: "a pod described by a YAML file (tutorial 2); pod.start() registers it", returns: PodObject.type
    ) { arguments in
        let federation = try arguments.context.federation()
        let url = URL(fileURLWithPath: arguments.string("path") ?? "")
        return .object(PodObject(try PodConfigFile.read(url, owner: federation.identity.name)))
    }

    static let demoFile = Builtin(
        "demo_file",
        parameters: [Parameter("name", .string, "a file of the demo federation, e.g. \"census-income-demo.csv\"")],
        summary: "the path of a file of the demo federation (its CSVs and YAML), in the bf home",
        returns: PathObject.type
    ) { arguments in
        let federation = try arguments.context.federation()
        let directory = federation.hub.home.appendingPathComponent("demo")
        let name = arguments.string("name") ?? ""
        let file = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: file.path) else {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            throw arguments.error("the demo has no file '\(name)'", at: "name",
                                  help: Suggestion.closest(to: name, among: names).map { "did you mean '\($0)'?" }
                                      ?? "bf demo recreates the demo's files in \(directory.path)")
        }
        return .object(PathObject(file.path))
    }

    static let grant = Builtin(
        "grant",
        parameters: [Parameter("pod", .string, "your pod"), Parameter("role", .string, "super_modeller, general_modeller, dp_modeller or schema_viewer"),
                     Parameter("user", .string, "the local user")],
        summary: "give a user a role on one of your pods"
    ) { arguments in
        let federation = try arguments.context.federation()
        let pod = try federation.hub.resolvePod(arguments.string("pod") ?? "")
        let role = try Role(parsing: arguments.string("role") ?? "")
        try federation.hub.grant(role, to: arguments.string("user") ?? "", on: pod, by: federation.identity)
        arguments.context.write("\(arguments.string("user") ?? "") is now \(role.rawValue) on \(pod)\n")
        return .none
    }

    static let revoke = Builtin(
        "revoke",
        parameters: [Parameter("pod", .string, "your pod"), Parameter("role", .string, "the role to take away"),
                     Parameter("user", .string, "the local user")],
        summary: "take a role on one of your pods away from a user"
    ) { arguments in
        let federation = try arguments.context.federation()
        let pod = try federation.hub.resolvePod(arguments.string("pod") ?? "")
        let role = try Role(parsing: arguments.string("role") ?? "")
        try federation.hub.revoke(role, from: arguments.string("user") ?? "", on: pod, by: federation.identity)
        arguments.context.write("\(arguments.string("user") ?? "") is no longer \(role.rawValue) on \(pod)\n")
        return .none
    }

    static let approve = Builtin(
        "approve",
        parameters: [Parameter("pod", .string, "your pod"), Parameter("other", .string, "the pod it accepts as a partner")],
        summary: "let one of your pods take part in secure aggregation with another pod"
    ) { arguments in
        let federation = try arguments.context.federation()
        let pod = try federation.hub.resolvePod(arguments.string("pod") ?? "")
        let other = try federation.hub.resolvePod(arguments.string("other") ?? "")
        try federation.hub.approve(other, on: pod, by: federation.identity)
        arguments.context.write("\(pod) now approves \(other)\n")
        return .none
    }

    static let setPrivacyLimits = Builtin(
        "set_privacy_limits",
        parameters: [
            Parameter("pod", .string, "your pod"),
            Parameter("epsilon", .optional(.number), kind: .keyword, default: Value.none, "the most ε one task may ask for"),
            Parameter("delta", .number, kind: .keyword, default: .float(PrivacyRequest.defaultDelta), "the largest δ a task may use"),
            Parameter("max_epsilon_per_modeller", .optional(.number), kind: .keyword, default: Value.none,
                      "the most ε one modeller's tasks may spend in all"),
            Parameter("max_epsilon_total", .optional(.number), kind: .keyword, default: Value.none,
                      "the most ε all modellers' tasks may spend in all"),
        ],
        summary: "limit differentially private training on one of your pods (the pod YAML's differential_privacy)",
        details: "The pod refuses a task asking for more ε than a limit leaves, and records what every task spends, across restarts. "
            + "A limit left out is no limit; what was spent stays spent."
    ) { arguments in
        let federation = try arguments.context.federation()
        let pod = try federation.hub.resolvePod(arguments.string("pod") ?? "")
        for name in ["epsilon", "delta", "max_epsilon_per_modeller", "max_epsilon_total"] {
            if let value = arguments.double(name), !(value.isFinite && value > 0 && (name != "delta" || value < 1)) {
                throw arguments.error("\(name) is \(Value.format(value)): it must be " + (name == "delta" ? "above 0 and below 1" : "a finite number above 0"),
                                      at: name)
            }
        }
        let policy = PodPrivacyPolicy(maxEpsilonPerTask: arguments.double("epsilon"),
                                      maxEpsilonPerModeller: arguments.double("max_epsilon_per_modeller"),
                                      maxEpsilonTotal: arguments.double("max_epsilon_total"),
                                      delta: arguments.double("delta") ?? PrivacyRequest.defaultDelta)
        try federation.hub.setPrivacyPolicy(policy, on: pod, by: federation.identity)
        arguments.context.write("\(pod) now limits differentially private training: "
                                + policy.summary + "\n")
        return .none
    }

    // MARK: - Helpers

    private static func verify(_ schemas: [PodSchema], _ structure: DataStructure?) throws -> CombinedSchema {
        try SchemaVerifier.combine(schemas, dataStructure: structure)
    }

    /// Strings from a list of strings (or one string); nil for None.
    static func strings(_ value: Value) -> [String]? {
        switch value {
        case .string(let text): return [text]
        case .list(let values): return values.compactMap(stringValue)
        default: return nil
        }
    }

    private static func stringValue(_ value: Value) -> String? {
        if case .string(let text) = value { return text }
        return nil
    }

    private static func flatten(_ values: [Value]) -> [String] {
        values.flatMap { strings($0) ?? [] }
    }

    static func isSecure(_ aggregator: Value, arguments: CallArguments) throws -> Bool {
        switch aggregator {
        case .none: return false
        case .string("secure"): return true
        case .string("plain"): return false
        case .object(let object) where object.objectType.name == "SecureAggregator": return true
        default:
            throw arguments.error("aggregator must be \"secure\", \"plain\" or SecureAggregator(), not \(aggregator.repr())", at: "aggregator")
        }
    }

    private static func dataConfig(_ settings: SettingsObject?, arguments: CallArguments) throws -> DataConfig {
        guard let settings else { return DataConfig() }
        var config = DataConfig(ignoreColumns: strings(settings.values["ignore_cols"] ?? .none) ?? [])
        if case .dict(let tables)? = settings.values["force_stypes"] {
            for (table, value) in tables {
                guard case .dict(let kinds) = value else {
                    throw arguments.error("force_stypes['\(table)'] must be a dictionary such as {\"categorical\": [\"TARGET\"]}", at: "data_config")
                }
                var forced = ForcedTypes()
                for (kind, columns) in kinds {
                    let names = strings(columns) ?? []
                    switch kind {
                    case "categorical": forced.categorical = names
                    case "continuous": forced.continuous = names
                    case "text": forced.text = names
                    default:
                        throw arguments.error("unknown semantic type '\(kind)' in force_stypes", at: "data_config",
                                              help: "the types are 'categorical', 'continuous' and 'text'")
                    }
                }
                config.forceStypes[table] = forced
            }
        }
        if case .dict(let sourceArguments)? = settings.values["datasource_args"], let seed = sourceArguments["seed"] {
            guard case .int(let value) = seed, value >= 0 else {
                throw arguments.error("datasource_args['seed'] must be a non-negative integer, not \(seed.repr())", at: "data_config")
            }
            config.seed = UInt64(value)
        }
        return config
    }

    /// Each pod's answer to a task request as a table, with the approvals matrix for secure
    /// aggregation.
    static func accessTable(_ report: AccessReport, federation: FederationContext, title: String) async throws -> TableObject {
        let pods = report.responses.map(\.pod)
        let budgets = report.responses.contains { $0.privacyBudget != nil }
        var rows: [[String]] = []
        for response in report.responses {
            let roles = try await federation.modeller.roles(on: response.pod)
            rows.append([response.pod.description, roles.isEmpty ? "none" : roles.map(\.rawValue).joined(separator: ", "),
                         response.rejection.map { "refused: " + $0.reason } ?? "accepted"]
                        + (budgets ? [response.privacyBudget?.summary ?? "no limits"] : []))
        }
        var footer: [DisplayBlock] = []
        if report.secureAggregation, pods.count > 1 {
            var matrix: [[String]] = []
            for pod in pods {
                let approved = try await federation.modeller.describe(pod).approvedPods
                matrix.append([pod.name] + pods.map { other in other == pod ? "·" : approved.contains(other) ? "yes" : "NO" })
            }
            footer = [.text("approvals (row approves column):"), .table(PlainTextTable(headers: ["pod"] + pods.map(\.name), rows: matrix))]
        }
        let headers = ["pod", "your role", report.task.rawValue] + (budgets ? ["privacy budget"] : [])
        return TableObject(title: title, table: PlainTextTable(headers: headers, rows: rows), footer: footer)
    }

    static func whoamiTable(_ federation: FederationContext) throws -> TableObject {
        let who = try federation.modeller.whoami()
        let rows = who.roles.map { [$0.pod.description, $0.roles.map(\.rawValue).joined(separator: ", ")] }
        return TableObject(title: "\(who.name) (key \(who.fingerprint)), home \(who.home)",
                           table: PlainTextTable(headers: ["pod", "your roles"], rows: rows))
    }
}
