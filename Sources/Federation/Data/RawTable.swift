/// The columns of a CSV file as read, before typing: per column the distinct
/// values and one code per row.
struct RawTable {
    /// One column's interned values and per-row codes.
    struct RawColumn {
        var values = ValueInterner()
        var codes: [Int32] = []
    }

    /// The file read, for messages.
    let path: String
    let header: [String]
    let missingValues: Set<String>
    var columns: [RawColumn]
    /// The line where each row starts, for messages about a value.
    var rowLines: [Int32] = []

    /// An empty table with the given headers, to be read from `path`.
    init(path: String, header: [String], missingValues: [String]) {
        self.path = path
        self.header = header
        self.missingValues = Set(missingValues)
        columns = Array(repeating: RawColumn(), count: header.count)
    }

    /// The number of rows read.
    var rowCount: Int { rowLines.count }

    /// Reads every remaining record of `reader`, keeping the values of the
    /// columns in `kept` (ignored columns are only counted).
    mutating func read(from reader: CSVRecordReader, keeping kept: [Int]) throws(DataSourceError) {
        let width = header.count
        let header = self.header
        let path = self.path
        var rowLines = self.rowLines
        try columns.withUnsafeMutableBufferPointer { (columns) throws(DataSourceError) in
            while try reader.nextRecord() {
                guard reader.fieldCount == width else {
                    throw .raggedRow(path: path, line: reader.line, found: reader.fieldCount, expected: width)
                }
                for index in kept {
                    let field = reader.field(index)
                    let (code, isNew) = columns[index].values.intern(field)
                    if isNew {
                        if String(validating: field, as: UTF8.self) == nil {
                            throw .invalidUTF8(path: path, line: reader.line, column: index + 1, header: header[index])
                        }
                        if field.contains(0) {
                            throw .nulByte(path: path, line: reader.line, column: index + 1, header: header[index])
                        }
                    }
                    columns[index].codes.append(code)
                }
                rowLines.append(Int32(truncatingIfNeeded: reader.line))
            }
        }
        self.rowLines = rowLines
        if rowLines.isEmpty { throw .headerOnly(path: path) }
    }

    /// The typed dataset, consuming the raw codes column by column.
    mutating func dataset(named name: String, plan: ColumnPlan, seed: UInt64) throws(DataConfigError) -> Dataset {
        var typed: [Column] = []
        var notes: [ColumnNote] = []
        typed.reserveCapacity(plan.kept.count)
        for index in plan.kept {
            var raw = RawColumn()
            swap(&raw, &columns[index])
            let typing = ColumnTyping(name: header[index], raw: raw, table: self, forced: plan.forced[header[index]])
            typed.append(try typing.column())
            notes += typing.notes
        }
        if header.count == 1, let separator = [(";", "';'"), ("\t", "tabs"), ("|", "'|'")].first(where: { header[0].contains($0.0) }) {
            notes.append(ColumnNote(path: path, column: header[0], kind: .otherSeparator(separator.1), count: 1, lines: [1]))
        }
        let split = DataSplit(rowCount: rowCount, seed: seed)
        let schema = TableSchema(
            name: name,
            columns: typed.map { column in
                ColumnSchema(name: column.name, dataType: column.dataType, semanticType: column.semanticType,
                             nullCount: column.nullCount, categories: column.categoryCounts)
            },
            ignoredColumns: plan.ignored, rowCount: rowCount, splits: split.counts)
        return Dataset(name: name, columns: typed, rowCount: rowCount, split: split, schema: schema, notes: notes)
    }
}

extension Column {
    /// The value counts of a categorical column, in encoder order.
    var categoryCounts: [CategoryCount]? {
        guard case let .categorical(codes, encoder) = storage else { return nil }
        var counts = [Int](repeating: 0, count: encoder.count)
        for code in codes where code >= 0 { counts[Int(code)] += 1 }
        return zip(encoder.values, counts).map { CategoryCount(value: $0, count: $1) }
    }
}
