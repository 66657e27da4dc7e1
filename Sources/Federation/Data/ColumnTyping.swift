/// Decides one raw column's data and semantic types and builds its storage.
///
/// A value spelled as a non-finite number (`NaN`, `inf`, `-Infinity`, any letter case) in a
/// column whose other values are numbers is read as a missing value, as an empty cell is, and
/// reported in `notes`: one such value must neither turn the column into text (which would
/// drop it from the model) nor pass unnoticed.
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
    /// What the owner should be told about the column.
    let notes: [ColumnNote]

    init(name: String, raw: RawTable.RawColumn, table: RawTable) {
        self.name = name
        self.raw = raw
        self.table = table
        let texts = (0..<raw.values.count).map(raw.values.string)
        self.texts = texts
        var isMissing = texts.map(table.missingValues.contains)
        let nonFinite = texts.indices.filter { !isMissing[$0] && Self.isNonFiniteNumber(texts[$0]) }
        let finite = texts.indices.filter { !isMissing[$0] && !Self.isNonFiniteNumber(texts[$0]) }
        let numeric = Self.dataType(of: finite.map { texts[$0] })
        if !nonFinite.isEmpty, !finite.isEmpty, numeric == .integer || numeric == .float {
            for code in nonFinite { isMissing[code] = true }
            notes = [Self.nonFiniteNote(codes: Set(nonFinite.map(Int32.init)), texts: texts, name: name, raw: raw, table: table)]
        } else {
            notes = []
        }
        self.isMissing = isMissing
        dataType = Self.dataType(of: texts.indices.filter { !isMissing[$0] }.map { texts[$0] })
    }

    /// The typed column; `forced` overrides the inferred semantic type.
    func column(forced: SemanticType?) throws(DataConfigError) -> Column {
        let present = texts.indices.filter { !isMissing[$0] }
        let semanticType = forced ?? Self.inferredSemanticType(for: dataType)
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

    /// The note for the rows whose value is one of `codes`.
    private static func nonFiniteNote(codes: Set<Int32>, texts: [String], name: String, raw: RawTable.RawColumn,
                                      table: RawTable) -> ColumnNote {
        var count = 0
        var lines: [Int] = []
        var spellings: [String] = []
        for (row, code) in raw.codes.enumerated() where codes.contains(code) {
            count += 1
            if lines.count < ColumnNote.listedLines { lines.append(Int(table.rowLines[row])) }
            if !spellings.contains(texts[Int(code)]) { spellings.append(texts[Int(code)]) }
        }
        return ColumnNote(path: table.path, column: name, kind: .nonFiniteNumbers(spellings: spellings),
                          count: count, lines: lines)
    }

    /// The semantic type bf infers for a data type.
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
