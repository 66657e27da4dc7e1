import Federation
import Foundation
import OrderedCollections

/// A pod's schema (`get_pod_schema`) or the schema combined across pods (`combine_pod_schemas`).
final class SchemaObject: TabularObject {
    static let type = ObjectType(name: "Schema", summary: "the columns of one pod, or verified and combined across pods",
                                 attributes: [
                                     .of(SchemaObject.self, "columns") { schema in
                                         switch schema.content {
                                         case .pod(let pod): .list(pod.schema.columnNames.map(Value.string))
                                         case .combined(let combined): .list(combined.columns.map { .string($0.name) })
                                         }
                                     },
                                     .of(SchemaObject.self, "pods") { schema in
                                         switch schema.content {
                                         case .pod(let pod): .list([.string(pod.pod.description)])
                                         case .combined(let combined): .list(combined.pods.map { .string($0.description) })
                                         }
                                     },
                                     .of(SchemaObject.self, "rows") { schema in
                                         switch schema.content {
                                         case .pod(let pod): .int(pod.schema.rowCount)
                                         case .combined(let combined): .int(combined.rowCount)
                                         }
                                     },
                                     .of(SchemaObject.self, "target") { $0.combined?.target.map(Value.string) ?? Value.none },
                                 ])

    enum Content: Sendable {
        case pod(PodSchema)
        case combined(CombinedSchema)
    }

    let content: Content
    var objectType: ObjectType { SchemaObject.type }

    init(_ content: Content) { self.content = content }

    var combined: CombinedSchema? {
        if case .combined(let schema) = content { return schema }
        return nil
    }

    /// The table with its last column (the category values) cut to fit `width`, saying how
    /// many values there are when not all are shown.
    static func fitted(_ table: PlainTextTable, width: Int) -> PlainTextTable {
        let leading = table.headers.indices.dropLast().map { column in
            ([table.headers[column]] + table.rows.map { $0[column] }).map(\.count).max() ?? 0
        }.reduce(0) { $0 + $1 + 2 }
        let room = max(24, width - leading)
        let rows = table.rows.map { row -> [String] in
            guard let values = row.last, values.count > room else { return row }
            let count = values.components(separatedBy: ", ").count
            let suffix = " … (\(count) values)"
            var shown = ""
            for value in values.components(separatedBy: ", ") {
                let next = shown.isEmpty ? value : shown + ", " + value
                if next.count + suffix.count > room { break }
                shown = next
            }
            return row.dropLast() + [shown + suffix]
        }
        return PlainTextTable(headers: table.headers, rows: rows)
    }

    var length: Int? {
        switch content {
        case .pod(let schema): return schema.schema.columns.count
        case .combined(let schema): return schema.columns.count
        }
    }

    func blocks(in context: DisplayContext) -> [DisplayBlock] {
        switch content {
        case .pod(let schema):
            let splits = schema.schema.splits
            return [.text("schema of \(schema.pod): \(schema.schema.rowCount) rows "
                          + "(train \(splits.train), validation \(splits.validation), test \(splits.test))"),
                    .table(SchemaObject.fitted(schema.schema.summaryTable, width: context.width))]
        case .combined(let schema):
            var title = "combined schema of \(schema.pods.map(\.description).joined(separator: ", ")): "
            title += schema.podRows.map { "\($0.pod.name) \($0.rowCount) rows" }.joined(separator: ", ") + ", verified"
            var blocks: [DisplayBlock] = [.text(title), .table(SchemaObject.fitted(schema.summaryTable, width: context.width))]
            if !schema.excludedColumns.isEmpty {
                blocks.append(.text("not used: " + schema.excludedColumns.map { "\($0.name) (\($0.reason.rawValue))" }.joined(separator: ", ")))
            }
            return blocks
        }
    }
}

/// Which columns a task uses and its target: `DataStructure(target=…, table=…)`.
final class DataStructureObject: RuntimeObject {
    static let type = ObjectType(name: "DataStructure", summary: "the target, tables and columns a task uses",
                                 attributes: [
                                     .of(DataStructureObject.self, "target") { $0.structure.target.map(Value.string) ?? Value.none },
                                     .of(DataStructureObject.self, "selected_cols") { object in
                                         guard case .selected(let columns) = object.structure.columns else { return Value.none }
                                         return .list(columns.map(Value.string))
                                     },
                                     .of(DataStructureObject.self, "ignore_cols") { object in
                                         guard case .ignored(let columns) = object.structure.columns else { return .list([]) }
                                         return .list(columns.map(Value.string))
                                     },
                                 ])

    let structure: DataStructure
    var objectType: ObjectType { DataStructureObject.type }

    init(_ structure: DataStructure) { self.structure = structure }

    func display(in context: DisplayContext) -> String {
        var parts = ["target=" + (structure.target.map { Value.quote($0) } ?? "None")]
        switch structure.table {
        case .single(let table)?: parts.append("table=" + Value.quote(table))
        case .perPod(let tables)?:
            parts.append("table={" + tables.sorted { $0.key < $1.key }.map { Value.quote($0.key) + ": " + Value.quote($0.value) }
                .joined(separator: ", ") + "}")
        case nil: break
        }
        switch structure.columns {
        case .all: break
        case .selected(let columns): parts.append("selected_cols=" + Value.list(columns.map(Value.string)).repr())
        case .ignored(let columns): parts.append("ignore_cols=" + Value.list(columns.map(Value.string)).repr())
        }
        return "DataStructure(" + parts.joined(separator: ", ") + ")"
    }
}

/// A table the workflow shows: the pod list, an access report, who you are. It keeps the
/// rows so that scripts can read them (`report.rows[0]["role"]`).
final class TableObject: TabularObject {
    static let type = ObjectType(name: "Table", summary: "rows of results shown as a table", attributes: [
        .of(TableObject.self, "rows") { .list($0.rowValues) },
        .of(TableObject.self, "columns") { .list($0.table.headers.map(Value.string)) },
    ])

    let title: String
    let table: PlainTextTable
    /// What follows the table: a note, a second table (the approvals of an access report).
    let footer: [DisplayBlock]
    var objectType: ObjectType { TableObject.type }

    init(title: String, table: PlainTextTable, footer: [DisplayBlock] = []) {
        self.title = title
        self.table = table
        self.footer = footer
    }

    private var rowValues: [Value] {
        table.rows.map { row in
            var entries = OrderedDictionary<String, Value>()
            for (header, cell) in zip(table.headers, row) { entries[header] = .string(cell) }
            return .dict(entries)
        }
    }

    func element(at index: Value) throws -> Value {
        guard case .int(let position) = index else { throw RuntimeError(.rowIndexNotInteger(rows: "table rows", index: index.typeName)) }
        let rows = rowValues
        let resolved = position < 0 ? rows.count + position : position
        guard resolved >= 0, resolved < rows.count else {
            throw RuntimeError(.rowOutOfRange(position, count: rows.count, noun: "row", counted: "row", last: "table"))
        }
        return rows[resolved]
    }

    var length: Int? { table.rows.count }

    func blocks(in context: DisplayContext) -> [DisplayBlock] {
        ([.text(title), .table(table)] + footer).filter { $0 != .text("") }
    }
}

/// A pod described in code, as tutorial 1 does, until `start()` registers it.
final class PodObject: RuntimeObject {
    static let start = Builtin(
        "start", summary: "register the pod in the hub and make it ready for tasks",
        details: "The pod loads its CSV, checks it, infers its schema and is registered with you as its owner; a pod of the same name is replaced."
    ) { arguments in
        guard let pod = arguments.receiver as? PodObject else { return .none }
        let federation = try arguments.context.federation()
        var spec = pod.spec
        spec.owner = federation.identity.name
        let description = try federation.hub.createPod(spec, replacing: true) { note in
            arguments.context.notice("note: \(note)")
        }
        arguments.context.write("pod '\(description.identifier)' is ready: \(description.rowCount) rows\n")
        return .none
    }

    static let type = ObjectType(name: "Pod", summary: "a pod described in code; start() registers it", methods: [start],
                                 attributes: [.of(PodObject.self, "name") { .string($0.spec.name) }])

    let spec: PodSpec
    var objectType: ObjectType { PodObject.type }

    init(_ spec: PodSpec) { self.spec = spec }

    func display(in context: DisplayContext) -> String {
        "Pod(name=\(Value.quote(spec.name)), datasource=CSVSource(\(Value.quote(spec.dataPath.path))))"
    }
}

/// The settings objects of tutorial 1: `CSVSource`, `PodDetailsConfig`, `PodDataConfig`. Each
/// only carries its arguments to `Pod(…)`.
final class SettingsObject: RuntimeObject {
    static let csvSource = ObjectType(name: "CSVSource", summary: "a CSV file as a pod's data")
    static let podDetails = ObjectType(name: "PodDetailsConfig", summary: "a pod's display name and description")
    static let podData = ObjectType(name: "PodDataConfig", summary: "how a pod reads its data: ignored columns, forced types, seed")

    let objectType: ObjectType
    let values: OrderedDictionary<String, Value>

    init(_ type: ObjectType, _ values: OrderedDictionary<String, Value>) {
        self.objectType = type
        self.values = values
    }

    func attribute(_ name: String) -> Value? { values[name] }

    func display(in context: DisplayContext) -> String {
        objectType.name + "(" + values.map { $0.key + "=" + $0.value.repr(in: context) }.joined(separator: ", ") + ")"
    }
}
