import Diagnostics
/// Checks pods' schemas against each other and a data structure, and
/// combines them.
///
/// The rules (language.md, "Verifying data structures"), for the columns a
/// task uses (the data structure's selection, or all shared columns):
/// each used column exists under the same header at every pod (order free,
/// extra columns allowed); a column categorical at one pod is categorical
/// at all, and more generally a column has one semantic type at every pod
/// (a column that is continuous at one pod and text at another is refused,
/// not silently left out); a categorical column has the same set of values
/// at every pod. The target must be categorical. Every problem is reported,
/// not just the first. Columns the task does not use may differ; the
/// combined schema lists them as not used, with the reason.
public enum SchemaVerifier {
    /// Verifies `schemas` (one per pod) for `dataStructure` and combines them.
    public static func combine(_ schemas: [PodSchema], dataStructure: DataStructure? = nil) throws(SchemaVerificationError) -> CombinedSchema {
        let pods = schemas.map(\.pod)
        var problems: [SchemaProblem] = []
        let allNames = orderedUnion(schemas.map(\.schema.columnNames))
        let shared = allNames.filter { name in schemas.allSatisfy { $0.schema.column(named: name) != nil } }

        if let dataStructure {
            problems += tableProblems(schemas, dataStructure)
            problems += unknownColumns(dataStructure, known: allNames)
        }
        let used = usedColumns(dataStructure, shared: shared, known: Set(allNames))
        let target = dataStructure?.target

        for name in used {
            let present = schemas.filter { $0.schema.column(named: name) != nil }
            if present.count < schemas.count {
                problems.append(.missingColumn(column: name,
                                               missingIn: schemas.filter { $0.schema.column(named: name) == nil }.map(\.pod),
                                               presentIn: present.map(\.pod), isTarget: name == target))
            }
            let types = present.compactMap { entry in
                entry.schema.column(named: name).map {
                    PodSemanticType(pod: entry.pod, semanticType: $0.semanticType, dataType: $0.dataType)
                }
            }
            if name == target, types.contains(where: { $0.semanticType != .categorical }) {
                problems.append(.targetNotCategorical(column: name, types: types))
                continue
            }
            // A used column whose type differs between pods cannot be one input of one model,
            // and leaving it out would train on less than the task says: refused, whatever
            // the two types are (continuous at one pod and text at another is what one bad
            // value in a column of numbers makes). `ignore_cols` leaves it out on purpose.
            if Set(types.map(\.semanticType)).count > 1 {
                problems.append(.semanticTypeMismatch(column: name, types: types))
                continue
            }
            let categorical = types.filter { $0.semanticType == .categorical }
            if categorical.count > 1 {
                let values = present.compactMap { entry in
                    entry.schema.column(named: name).map { CategoricalMismatch.PodValues(pod: entry.pod, values: $0.categoryValues) }
                }
                if let mismatch = CategoricalMismatch(column: name, values: values) {
                    problems.append(.categoricalMismatch(mismatch))
                }
            }
        }
        guard problems.isEmpty else { throw SchemaVerificationError(schemaProblems: problems, pods: pods) }
        return combined(schemas, shared: shared, allNames: allNames, used: used, target: target)
    }

    /// The columns a task reads: the selection (with the target), or every
    /// shared column not ignored (with the target, shared or not). Names
    /// no pod has are left to `unknownColumns`.
    private static func usedColumns(_ dataStructure: DataStructure?, shared: [String], known: Set<String>) -> [String] {
        var used: [String]
        switch dataStructure?.columns ?? .all {
        case .all: used = shared
        case let .ignored(ignored): used = shared.filter { !ignored.contains($0) }
        case let .selected(selected): used = selected.filter(known.contains)
        }
        if let target = dataStructure?.target, known.contains(target), !used.contains(target) {
            used.append(target)
        }
        return used
    }

    private static func unknownColumns(_ dataStructure: DataStructure, known: [String]) -> [SchemaProblem] {
        var named: [(String, String)] = []
        if let target = dataStructure.target { named.append((target, "target")) }
        switch dataStructure.columns {
        case .all: break
        case let .selected(columns): named += columns.map { ($0, "selected_cols") }
        case let .ignored(columns): named += columns.map { ($0, "ignore_cols") }
        }
        let knownSet = Set(known)
        return named.filter { !knownSet.contains($0.0) }.map { column, setting in
            .unknownColumn(column: column, setting: setting, suggestion: Suggestion.closest(to: column, among: known))
        }
    }

    private static func tableProblems(_ schemas: [PodSchema], _ dataStructure: DataStructure) -> [SchemaProblem] {
        schemas.compactMap { entry in
            switch dataStructure.table {
            case nil:
                return nil
            case let .single(table)?:
                return table == entry.schema.name ? nil
                    : .unknownTable(pod: entry.pod, table: table, expected: entry.schema.name)
            case let .perPod(map)?:
                guard let table = map[entry.pod.description] ?? map[entry.pod.name] else {
                    return .tableNotMapped(pod: entry.pod, expected: entry.schema.name)
                }
                return table == entry.schema.name ? nil
                    : .unknownTable(pod: entry.pod, table: table, expected: entry.schema.name)
            }
        }
    }

    private static func combined(_ schemas: [PodSchema], shared: [String], allNames: [String],
                                 used: [String], target: String?) -> CombinedSchema {
        var columns: [ColumnSchema] = []
        var excluded: [ExcludedColumn] = []
        for name in allNames {
            let present = schemas.compactMap { entry in entry.schema.column(named: name).map { (entry.pod, $0) } }
            guard present.count == schemas.count else {
                excluded.append(ExcludedColumn(name: name, presentIn: present.map(\.0), reason: .notAtEveryPod))
                continue
            }
            let parts = present.map(\.1)
            guard Set(parts.map(\.semanticType)).count == 1, let first = parts.first else {
                excluded.append(ExcludedColumn(name: name, presentIn: present.map(\.0), reason: .typesDiffer))
                continue
            }
            columns.append(merge(parts, first: first))
        }
        return CombinedSchema(
            pods: schemas.map(\.pod), columns: columns, usedColumns: used, target: target,
            podRows: schemas.map { PodRowCount(pod: $0.pod, rowCount: $0.schema.rowCount, splits: $0.schema.splits) },
            excludedColumns: excluded)
    }

    /// One column from the pods' versions of it (same semantic type).
    private static func merge(_ parts: [ColumnSchema], first: ColumnSchema) -> ColumnSchema {
        let dataTypes = Set(parts.map(\.dataType))
        let dataType: DataType = dataTypes.count == 1 ? first.dataType
            : dataTypes.isSubset(of: [.integer, .float]) ? .float : .string
        var categories: [CategoryCount]?
        if first.semanticType == .categorical {
            var counts: [String: Int] = [:]
            for part in parts {
                for category in part.categories ?? [] { counts[category.value, default: 0] += category.count }
            }
            categories = CategoricalEncoder.sorted(Array(counts.keys), as: dataType).map {
                CategoryCount(value: $0, count: counts[$0] ?? 0)
            }
        }
        return ColumnSchema(name: first.name, dataType: dataType, semanticType: first.semanticType,
                            nullCount: parts.reduce(0) { $0 + $1.nullCount }, categories: categories)
    }

    /// The names in first-seen order.
    private static func orderedUnion(_ lists: [[String]]) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for list in lists {
            for name in list where seen.insert(name).inserted { result.append(name) }
        }
        return result
    }
}
