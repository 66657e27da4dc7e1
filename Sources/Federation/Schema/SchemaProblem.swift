import Diagnostics
/// One way the pods' schemas do not fit a task: a typed value with the
/// rendering of language.md ("Verifying data structures").
public enum SchemaProblem: Sendable, Codable, Equatable {
    /// A column named by the data structure exists at no pod.
    case unknownColumn(column: String, setting: String, suggestion: String?)
    /// A used column exists at some pods and not at others.
    case missingColumn(column: String, missingIn: [PodIdentifier], presentIn: [PodIdentifier], isTarget: Bool)
    /// The target is not categorical at some pods.
    case targetNotCategorical(column: String, types: [PodSemanticType])
    /// A used column is categorical at some pods and not at others.
    case semanticTypeMismatch(column: String, types: [PodSemanticType])
    /// A used categorical column has different value sets at different pods.
    case categoricalMismatch(CategoricalMismatch)
    /// The data structure names a table the pod does not have.
    case unknownTable(pod: PodIdentifier, table: String, expected: String)
    /// The data structure's per-pod table map has no entry for a pod.
    case tableNotMapped(pod: PodIdentifier, expected: String)

    /// The problem as a user reads it, with pods labelled by `labels`.
    func problem(_ labels: PodLabels) -> Problem {
        switch self {
        case let .unknownColumn(column, setting, suggestion):
            return Problem(
                "\(setting) names column \(quoted(column)), which none of the pods has",
                help: suggestion.map { "did you mean \(quoted($0))?" } ?? "check the spelling against the pods' schemas")
        case let .missingColumn(column, missingIn, presentIn, isTarget):
            let what = isTarget ? "target column" : "column"
            let lacking = missingIn.map { quoted(labels[$0]) }
            return Problem(
                "\(what) \(quoted(column)) is missing at \(missingIn.count == 1 ? "pod" : "pods") \(lacking.joined(separator: ", "))",
                notes: labels.aligned(missingIn.map { ($0, "has no \(quoted(column))") } + presentIn.map { ($0, "has it") }),
                help: isTarget
                    ? "the target must be a column of every pod; train on the pods that have it"
                    : "leave it out with datastructure(ignore_cols=[\"\(column)\"]) or add it at the pods")
        case let .targetNotCategorical(column, types):
            return Problem(
                "target column \(quoted(column)) is not categorical at every pod",
                notes: labels.aligned(types.map { ($0.pod, $0.semanticType.rawValue) }),
                help: "a classifier needs a categorical target; force it with force_stypes: {categorical: [\"\(column)\"]} at the pods")
        case let .semanticTypeMismatch(column, types):
            return Problem(
                "pods disagree on the type of column \(quoted(column))",
                notes: labels.aligned(types.map { ($0.pod, $0.description) }),
                help: Self.typeMismatchHelp(columns: [column], types: [types], labels: labels))
        case let .categoricalMismatch(mismatch):
            return mismatch.problem(labels)
        case let .unknownTable(pod, table, expected):
            return Problem(
                "pod \(quoted(labels[pod])) has no table \(quoted(table))",
                help: "its table is \(quoted(expected))")
        case let .tableNotMapped(pod, expected):
            return Problem(
                "the data structure's table map has no entry for pod \(quoted(labels[pod]))",
                help: "add \"\(labels[pod])\": \"\(expected)\" to table")
        }
    }

    /// What to do about columns whose types differ between pods. When some pods read a
    /// column as numbers and others as text, the text is almost always a few values that are
    /// not numbers, which the owners of those pods were told about when they created them.
    /// `types` holds each column's types at the pods.
    static func typeMismatchHelp(columns: [String], types: [[PodSemanticType]], labels: PodLabels) -> String {
        let drop = "datastructure(ignore_cols=[" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + "])"
        let them = columns.count == 1 ? "it" : "them"
        func isTextual(_ type: PodSemanticType) -> Bool { type.semanticType == .text && type.dataType == .string }
        var textual: [PodIdentifier] = []
        for type in types.joined() where isTextual(type) && !textual.contains(type.pod) {
            textual.append(type.pod)
        }
        let numbersAndText = types.allSatisfy { column in
            column.contains { $0.semanticType == .continuous } && column.allSatisfy { $0.semanticType == .continuous || isTextual($0) }
        }
        if !textual.isEmpty, numbersAndText {
            let pods = textual.map { quoted(labels[$0]) }.joined(separator: ", ")
            return "at \(pods) some values are not numbers (the pod lists them when it is created or started): "
                + "its owner can fix them or force the type with force_stypes; or leave \(them) out with \(drop)"
        }
        return "a column must have the same type at every pod: set force_stypes at the pods, or leave \(them) out with \(drop)"
    }
}

/// A column's semantic type at one pod, and how its values were read there.
public struct PodSemanticType: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The pod.
    public let pod: PodIdentifier
    /// The column's type there.
    public let semanticType: SemanticType
    /// How the column's values were read there (nil when not known).
    public let dataType: DataType?

    /// A column's types at `pod`.
    public init(pod: PodIdentifier, semanticType: SemanticType, dataType: DataType? = nil) {
        self.pod = pod
        self.semanticType = semanticType
        self.dataType = dataType
    }

    /// `continuous (int64)`, or the semantic type alone when the data type is not known.
    public var description: String {
        semanticType.rawValue + (dataType.map { " (\($0.rawValue))" } ?? "")
    }
}

/// The value sets of one categorical column that differ between pods.
public struct CategoricalMismatch: Sendable, Codable, Equatable {
    /// One pod's values.
    public struct PodValues: Sendable, Codable, Equatable {
        /// The pod.
        public let pod: PodIdentifier
        /// Values, in encoder order.
        public let values: [String]
    }

    /// The column.
    public let column: String
    /// Every pod's values, in the order the pods were given.
    public let values: [PodValues]
    /// Per pod, the values no other pod has (pods with none left out).
    public let onlyIn: [PodValues]
    /// Per pod, the values some other pod has and it lacks (pods with none left out).
    public let missingIn: [PodValues]

    /// Compares the pods' value sets; nil when they are all the same.
    init?(column: String, values: [PodValues]) {
        let sets = values.map { Set($0.values) }
        guard Set(sets).count > 1 else { return nil }
        let union = sets.reduce(Set<String>()) { $0.union($1) }
        var onlyIn: [PodValues] = []
        var missingIn: [PodValues] = []
        for (index, entry) in values.enumerated() {
            let others = sets.enumerated().filter { $0.offset != index }.reduce(Set<String>()) { $0.union($1.element) }
            let only = entry.values.filter { !others.contains($0) }
            if !only.isEmpty { onlyIn.append(PodValues(pod: entry.pod, values: only)) }
            let missing = CategoricalEncoder.sorted(Array(union.subtracting(sets[index])), as: .string)
            if !missing.isEmpty { missingIn.append(PodValues(pod: entry.pod, values: missing)) }
        }
        self.column = column
        self.values = values
        self.onlyIn = onlyIn
        self.missingIn = missingIn
    }

    /// What differs, as the problem says it: `only in POD: values` for each pod with values
    /// no other pod has, then `missing in POD: values` for values a pod lacks that are not
    /// already explained as being only at one other pod.
    public func differences(_ labels: PodLabels) -> [String] {
        var summary = onlyIn.map { "only in \(labels[$0.pod]): " + $0.values.joined(separator: ", ") }
        let explained = Set(onlyIn.flatMap(\.values))
        for entry in missingIn {
            let unexplained = entry.values.filter { !explained.contains($0) }
            if !unexplained.isEmpty {
                summary.append("missing in \(labels[entry.pod]): " + unexplained.joined(separator: ", "))
            }
        }
        return summary
    }

    /// language.md's rendering: each pod's values, then what is only at one
    /// pod, then what a pod lacks that more than one other pod has.
    func problem(_ labels: PodLabels) -> Problem {
        var details = labels.aligned(values.map { ($0.pod, "has " + $0.values.joined(separator: ", ")) })
        details.append(differences(labels).joined(separator: " · "))
        return Problem(
            "pods disagree on categorical column \(quoted(column))",
            notes: details,
            help: "drop the column with datastructure(ignore_cols=[\"\(column)\"]) or align the values at the pods")
    }
}

/// Every problem found when checking schemas against each other and a data
/// structure, reported together.
public struct SchemaVerificationError: FederationError, Equatable {
    /// What differs, in column order.
    public let schemaProblems: [SchemaProblem]
    /// The pods checked, for labelling.
    public let pods: [PodIdentifier]

    /// One problem per schema problem, except that columns whose types differ between pods
    /// are one problem listing them when there are several (a pod whose columns are all text
    /// would otherwise give a block per column).
    public var problems: [Problem] {
        let labels = PodLabels(pods)
        let mismatches = schemaProblems.compactMap { problem -> (column: String, types: [PodSemanticType])? in
            if case let .semanticTypeMismatch(column, types) = problem { return (column, types) }
            return nil
        }
        guard mismatches.count > 1 else { return schemaProblems.map { $0.problem(labels) } }
        var problems: [Problem] = []
        var listed = false
        for problem in schemaProblems {
            guard case .semanticTypeMismatch = problem else {
                problems.append(problem.problem(labels))
                continue
            }
            if !listed { problems.append(Self.typeMismatches(mismatches, labels: labels)) }
            listed = true
        }
        return problems
    }

    /// Several columns whose types differ: the columns in one line, then one line per way
    /// the pods' types differ, naming its columns and each pod's type.
    private static func typeMismatches(_ mismatches: [(column: String, types: [PodSemanticType])],
                                       labels: PodLabels) -> Problem {
        let columns = mismatches.map(\.column)
        var patterns: [[PodSemanticType]] = []
        var columnsOf: [[String]] = []
        for mismatch in mismatches {
            if let index = patterns.firstIndex(of: mismatch.types) {
                columnsOf[index].append(mismatch.column)
            } else {
                patterns.append(mismatch.types)
                columnsOf.append([mismatch.column])
            }
        }
        let details = zip(patterns, columnsOf).map { types, names in
            names.map(quoted).joined(separator: ", ") + ": "
                + types.map { "\(labels[$0.pod]) \($0.description)" }.joined(separator: " · ")
        }
        return Problem(
            "pods disagree on the types of \(columns.count) columns: " + columns.map(quoted).joined(separator: ", "),
            notes: details,
            help: SchemaProblem.typeMismatchHelp(columns: columns, types: mismatches.map(\.types), labels: labels))
    }
}

