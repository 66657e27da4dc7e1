import Foundation

/// Loads a CSV file into a typed, columnar `Dataset` (Bitfount's `CSVSource`).
///
/// The file is streamed once; each column's values are interned as they are
/// read, so every distinct value is decoded, checked for UTF-8 and parsed
/// as a number only once. Types are decided after the last row: a column is
/// an integer or float column when every non-missing value is a number, a
/// boolean column when every one is `true`/`false`, a string column otherwise
/// (categorical or text by its number of values, see `SemanticType`); then
/// `force_stypes` and `ignore_cols` apply (see `DataConfig`). What the pod's
/// owner should know about a column (values read as missing, a column of
/// numbers that a few other values made categorical or text) is in the
/// dataset's `notes`.
public enum CSVSource {
    /// The most distinct values a categorical column may have. A column
    /// forced categorical with more (an identifier, a free-text field) is
    /// refused: its one-hot or embedding input would dwarf the model and its
    /// value set would reveal nearly every row.
    public static let maximumCategories = 10_000

    /// The most columns a pod keeps (after `ignore_cols`). A pod answers SQL from an SQLite
    /// table of its columns, and SQLite's tables hold at most 2,000 (its default
    /// `SQLITE_MAX_COLUMN`); refusing a wider file when the pod is created says so once,
    /// instead of every query failing later.
    public static let maximumColumns = 2_000

    /// Reads `url` as the table `table`, applying `config`.
    ///
    /// Throws `DataSourceError` for a file that is not a well-formed CSV table
    /// and `DataConfigError` for a configuration that does not fit it.
    public static func load(_ url: URL, table: String, config: DataConfig) throws -> Dataset {
        try load(try CSVRecordReader(path: url.path), table: table, config: config)
    }

    /// Reads CSV bytes already in memory as `load(_:table:config:)` reads a file (`name`
    /// stands for the file in messages), parsing `chunkSize` bytes at a time as a file is.
    public static func load(contents: [UInt8], name: String, table: String, config: DataConfig,
                            chunkSize: Int = 1 << 20) throws -> Dataset {
        try load(try CSVRecordReader(contents: contents, name: name, chunkSize: chunkSize), table: table, config: config)
    }

    private static func load(_ reader: CSVRecordReader, table: String, config: DataConfig) throws -> Dataset {
        let path = reader.path
        guard try reader.nextRecord() else { throw DataSourceError.emptyFile(path: path) }
        let header = try readHeader(reader)
        let plan = try ColumnPlan(header: header, table: table, config: config, path: path)
        var raw = RawTable(path: path, header: header, missingValues: config.missingValues)
        try raw.read(from: reader, keeping: plan.kept)
        return try raw.dataset(named: table, plan: plan, seed: config.seed)
    }

    private static func readHeader(_ reader: CSVRecordReader) throws -> [String] {
        var names: [String] = []
        var firstColumn: [String: Int] = [:]
        for index in 0..<reader.fieldCount {
            guard let name = String(validating: reader.field(index), as: UTF8.self) else {
                throw DataSourceError.invalidUTF8(path: reader.path, line: reader.line, column: index + 1, header: nil)
            }
            if name.utf8.contains(0) {
                throw DataSourceError.nulByte(path: reader.path, line: reader.line, column: index + 1, header: nil)
            }
            if name.isEmpty {
                throw DataSourceError.emptyHeader(path: reader.path, column: index + 1)
            }
            if firstColumn[name] != nil {
                let columns = (0..<reader.fieldCount).filter { column in
                    String(decoding: reader.field(column), as: UTF8.self) == name
                }.map { $0 + 1 }
                throw DataSourceError.duplicateHeader(path: reader.path, name: name, columns: columns)
            }
            firstColumn[name] = index
            names.append(name)
        }
        return names
    }
}
