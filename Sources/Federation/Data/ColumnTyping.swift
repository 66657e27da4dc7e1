/// Decides one raw column's data and semantic types and builds its storage.
///
/// A value spelled as a non-finite number (`NaN`, `inf`, `-Infinity`, any letter case) in a
/// column whose other values are numbers is read as a missing value, as an empty cell is, and
/// reported in `notes`: one such value must neither turn the column into text (which would
/// drop it from the model) nor pass unnoticed.
///
/// The semantic type, unless `force_stypes` sets it: numbers are continuous, booleans
/// categorical, and strings categorical when they have few distinct values
/// (`isFewCategories`), text otherwise. A column of strings most of whose rows are numbers
/// (one `thirty` among ages) is reported in `notes` with the type it was given, the count and
/// the first lines of the values that are not numbers, since that one value changed the
/// column's type.
struct ColumnTyping {
    let name: String
    let raw: RawTable.RawColumn
    let table: RawTable
    /// Each distinct value as text, by raw code.
    let texts: [String]
    /// Whether each distinct value means "missing", by raw code.
    let isMissing: [Bool]
    /// The narrowest data type of the values that are not missing.
    let dataType: DataType
    /// The semantic type: the forced one, or the one inferred from the values.
    let semanticType: SemanticType
    /// What the owner should be told about the column.
    let notes: [ColumnNote]

    /// The most distinct values a string column may have to be inferred categorical.
    static let maximumInferredCategories = 50

    /// Types the column `name`; `forced` is its type from `force_stypes`, if any.
    init(name: String, raw: RawTable.RawColumn, table: RawTable, forced: SemanticType?) {
        self.name = name
        self.raw = raw
        self.table = table
        let texts = (0..<raw.values.count).map(raw.values.string)
        self.texts = texts
        var isMissing = texts.map(table.missingValues.contains)
        var notes: [ColumnNote] = []
        let nonFinite = texts.indices.filter { !isMissing[$0] && Self.isNonFiniteNumber(texts[$0]) }
        let finite = texts.indices.filter { !isMissing[$0] && !Self.isNonFiniteNumber(texts[$0]) }
        let numeric = Self.dataType(of: finite.map { texts[$0] })
        if !nonFinite.isEmpty, !finite.isEmpty, numeric == .integer || numeric == .float {
            for code in nonFinite { isMissing[code] = true }
            notes.append(Self.note(.nonFiniteNumbers(spellings: []), codes: Set(nonFinite.map(Int32.init)),
                                   texts: texts, name: name, raw: raw, table: table))
        }
        self.isMissing = isMissing
        let dataType = Self.dataType(of: texts.indices.filter { !isMissing[$0] }.map { texts[$0] })
        self.dataType = dataType
        if let forced {
            semanticType = forced
        } else if dataType == .string {
            var rows = [Int](repeating: 0, count: texts.count)
            for code in raw.codes { rows[Int(code)] += 1 }
            let present = texts.indices.filter { !isMissing[$0] }
            let presentRows = present.reduce(0) { $0 + rows[$1] }
            let semanticType: SemanticType = Self.isFewCategories(distinct: present.count, rows: presentRows) ? .categorical : .text
            self.semanticType = semanticType
            let others = present.filter { Self.number(texts[$0]) == nil && !Self.isNonFiniteNumber(texts[$0]) }
            let otherRows = others.reduce(0) { $0 + rows[$1] }
            if otherRows * 2 < presentRows {
                notes.append(Self.note(.notAllNumbers(numbers: presentRows - otherRows, others: [], treatedAs: semanticType),
                                       codes: Set(others.map(Int32.init)), texts: texts, name: name, raw: raw, table: table))
            }
        } else {
            semanticType = Self.inferredSemanticType(for: dataType)
        }
        self.notes = notes
    }

    /// Whether a string column with `distinct` values over `rows` rows (both without missing
    /// values) is inferred categorical: at most `maximumInferredCategories` values, each on
    /// average on at least two rows, so that identifiers and free text (mostly one row per
    /// value) stay text.
    static func isFewCategories(distinct: Int, rows: Int) -> Bool {
        distinct > 0 && distinct <= maximumInferredCategories && distinct * 2 <= rows
    }

    /// The typed column.
    func column() throws(DataConfigError) -> Column {
        let present = texts.indices.filter { !isMissing[$0] }
        let nullCount = isMissing.contains(true) ? raw.codes.reduce(0) { $0 + (isMissing[Int($1)] ? 1 : 0) } : 0
        // Booleans are spelled `True`/`False` whatever the file's letter case, as pandas reads them.
        let values = dataType == .boolean ? texts.map { $0.lowercased() == "true" ? "True" : "False" } : texts
        let storage: ColumnStorage
        switch semanticType {
        case .continuous:
            storage = .continuous(try numbers(present: present))
        case .categorical:
            let distinct = Array(Set(present.map { values[$0] }))
            guard distinct.count <= CSVSource.maximumCategories else {
                throw .tooManyCategories(path: table.path, column: name, count: distinct.count, limit: CSVSource.maximumCategories)
            }
            let encoder = CategoricalEncoder(sortedValues: CategoricalEncoder.sorted(distinct, as: dataType))
            let recode = values.indices.map { code in isMissing[code] ? -1 : Int32(encoder.code(for: values[code]) ?? -1) }
            storage = .categorical(codes: raw.codes.map { recode[Int($0)] }, encoder: encoder)
        case .text:
            var distinct: [String] = []
            var codeOf: [String: Int32] = [:]
            var recode = [Int32](repeating: -1, count: values.count)
            for code in present {
                if let existing = codeOf[values[code]] {
                    recode[code] = existing
                } else {
                    recode[code] = Int32(distinct.count)
                    codeOf[values[code]] = Int32(distinct.count)
                    distinct.append(values[code])
                }
            }
            storage = .text(codes: raw.codes.map { recode[Int($0)] }, values: distinct)
        case .image:
            throw .unsupportedType(column: name, type: .image)
        }
        return Column(name: name, dataType: dataType, semanticType: semanticType, nullCount: nullCount, storage: storage)
    }

    /// The column as numbers; a value that is not one is an error naming
    /// the line it first appears on.
    private func numbers(present: [Int]) throws(DataConfigError) -> [Double] {
        var byCode = [Double](repeating: .nan, count: texts.count)
        for code in present {
            guard let number = Self.number(texts[code]) else {
                let row = raw.codes.firstIndex(of: Int32(code)) ?? 0
                throw .notNumeric(path: table.path, column: name, value: texts[code], line: Int(table.rowLines[row]))
            }
            byCode[code] = number
        }
        return raw.codes.map { byCode[Int($0)] }
    }

    /// The narrowest data type holding every value in `values`.
    static func dataType(of values: [String]) -> DataType {
        if values.isEmpty { return .string }
        if values.allSatisfy({ Int64($0) != nil }) { return .integer }
        if values.allSatisfy({ number($0) != nil }) { return .float }
        if values.allSatisfy({ ["true", "false"].contains($0.lowercased()) }) { return .boolean }
        return .string
    }

    /// Whether `text` spells a number that is not finite: `nan`, `inf` or `infinity` in any
    /// letter case, with an optional sign.
    static func isNonFiniteNumber(_ text: String) -> Bool {
        var word = Substring(text.lowercased())
        if word.first == "-" || word.first == "+" { word = word.dropFirst() }
        return word == "nan" || word == "inf" || word == "infinity"
    }

    /// The note of kind `kind` for the rows whose value is one of `codes`; the kind's list of
    /// values is filled with the distinct values of those rows, in order of first appearance
    /// (at most one more than a note quotes, except non-finite spellings).
    private static func note(_ kind: ColumnNote.Kind, codes: Set<Int32>, texts: [String], name: String,
                             raw: RawTable.RawColumn, table: RawTable) -> ColumnNote {
        var count = 0
        var lines: [Int] = []
        var values: [String] = []
        // Every spelling of a non-finite number (there are few); of other values, one more
        // than a message shows, so that it can say there are more.
        let kept = if case .nonFiniteNumbers = kind { Int.max } else { ColumnNote.listedValues + 1 }
        for (row, code) in raw.codes.enumerated() where codes.contains(code) {
            count += 1
            if lines.count < ColumnNote.listedLines { lines.append(Int(table.rowLines[row])) }
            if values.count < kept, !values.contains(texts[Int(code)]) { values.append(texts[Int(code)]) }
        }
        let filled: ColumnNote.Kind
        switch kind {
        case .nonFiniteNumbers: filled = .nonFiniteNumbers(spellings: values)
        case let .notAllNumbers(numbers, _, treatedAs): filled = .notAllNumbers(numbers: numbers, others: values, treatedAs: treatedAs)
        case .otherSeparator: filled = kind
        }
        return ColumnNote(path: table.path, column: name, kind: filled, count: count, lines: lines)
    }

    /// The semantic type bf infers for a numeric or boolean data type (strings depend on
    /// their values: `isFewCategories`).
    static func inferredSemanticType(for dataType: DataType) -> SemanticType {
        switch dataType {
        case .integer, .float: return .continuous
        case .boolean: return .categorical
        case .string: return .text
        }
    }

    /// A finite decimal number, or nil (so `nan`, `inf` and hexadecimal
    /// floats, which Swift's parser accepts, read as text).
    static func number(_ text: String) -> Double? {
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
              !text.utf8.contains(UInt8(ascii: "x")), !text.utf8.contains(UInt8(ascii: "X")),
              let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
