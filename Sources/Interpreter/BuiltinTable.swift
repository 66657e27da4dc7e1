/// The one table of built-in functions and object types. Evaluation, argument checking,
/// `:help`, completion, `bf check`, "did you mean" and the parser's statement words all read
/// from it, so a built-in added here is complete everywhere at once.
public struct BuiltinTable: Sendable {
    public let functions: [Builtin]
    public let types: [ObjectType]
    private let functionsByName: [String: Builtin]
    private let typesByName: [String: ObjectType]

    public init(functions: [Builtin], types: [ObjectType]) {
        self.functions = functions
        self.types = types
        var byName: [String: Builtin] = [:]
        for function in functions {
            for name in function.names {
                precondition(byName[name] == nil, "two built-ins are named '\(name)'")
                byName[name] = function
            }
        }
        self.functionsByName = byName
        self.typesByName = Dictionary(types.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The table with another table's entries added.
    public func adding(_ other: BuiltinTable) -> BuiltinTable {
        BuiltinTable(functions: functions + other.functions, types: types + other.types)
    }

    public func function(named name: String) -> Builtin? { functionsByName[name] }
    public func type(named name: String) -> ObjectType? { typesByName[name] }

    /// Every name a function answers to.
    public var functionNames: [String] { functions.flatMap(\.names) }

    /// The words that start a statement form (`pods`, `train`, …), for the parser.
    public var statementWords: Set<String> { Set(functions.compactMap(\.statementName)) }

    /// The built-ins every session has.
    public static let standard = CoreBuiltins.table.adding(FederationBuiltins.table).adding(ModelBuiltins.table).adding(QueryBuiltins.table)
        .adding(NotebookStandIns.table)
}
