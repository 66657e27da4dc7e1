import Foundation
import Learning

/// The encoded-data CSV both benchmark sides read (bf here, PyTorch in
/// scripts/bench/train_torch.py). The header names each column with its role:
/// `c:<name>:<cardinality>` for a categorical column holding codes 0..<cardinality,
/// `x:<name>` for a continuous column, and `y:<name>:<classes>` for the label (exactly one).
/// Each following line is one row of integers (codes, label) and decimal numbers.
public enum EncodedCSV {
    /// Reads a file into a dataset.
    public static func read(_ path: String) throws -> TabularDataset {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { throw BenchError("\(path) is empty") }
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        var categorical: [TabularLayout.CategoricalColumn] = []
        var categoricalColumns: [Int] = []
        var continuousNames: [String] = []
        var continuousColumns: [Int] = []
        var target: (name: String, classes: Int, column: Int)?
        for (column, field) in header.enumerated() {
            let parts = field.split(separator: ":").map(String.init)
            switch (parts.first, parts.count) {
            case ("c", 3):
                guard let cardinality = Int(parts[2]) else { throw BenchError("bad header field \(field)") }
                categorical.append(.init(name: parts[1], cardinality: cardinality))
                categoricalColumns.append(column)
            case ("x", 2):
                continuousNames.append(parts[1])
                continuousColumns.append(column)
            case ("y", 3):
                guard let classes = Int(parts[2]) else { throw BenchError("bad header field \(field)") }
                target = (parts[1], classes, column)
            default:
                throw BenchError("header field '\(field)' is not c:name:cardinality, x:name or y:name:classes")
            }
        }
        guard let target else { throw BenchError("\(path) has no y:name:classes column") }
        let layout = TabularLayout(categorical: categorical, continuousNames: continuousNames, targetName: target.name, classCount: target.classes)
        var codes: [Int32] = []
        var values: [Float] = []
        var labels: [Int32] = []
        for (number, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header.count else {
                throw BenchError("line \(number + 2) of \(path) has \(fields.count) fields, not \(header.count)")
            }
            for column in categoricalColumns {
                guard let code = Int32(fields[column]) else { throw BenchError("line \(number + 2): '\(fields[column])' is not a code") }
                codes.append(code)
            }
            for column in continuousColumns {
                guard let value = Float(fields[column]) else { throw BenchError("line \(number + 2): '\(fields[column])' is not a number") }
                values.append(value)
            }
            guard let label = Int32(fields[target.column]) else { throw BenchError("line \(number + 2): bad label") }
            labels.append(label)
        }
        return try TabularDataset(layout: layout, rowCount: labels.count, categorical: codes, continuous: values, labels: labels)
    }

    /// The rows of `data` in this format: the header, then one line per row.
    public static func text(of data: TabularDataset) -> String {
        let layout = data.layout
        var header = layout.categorical.map { "c:\($0.name):\($0.cardinality)" }
        header += layout.continuousNames.map { "x:\($0)" }
        header.append("y:\(layout.targetName):\(layout.classCount)")
        var text = header.joined(separator: ",") + "\n"
        let c = layout.categoricalCount
        let x = layout.continuousCount
        for row in 0..<data.rowCount {
            var fields = (0..<c).map { String(data.categorical[row * c + $0]) }
            fields += (0..<x).map { String(data.continuous[row * x + $0]) }
            fields.append(String(data.labels[row]))
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    /// Writes `data` in this format to the file at `url`.
    public static func write(_ data: TabularDataset, to url: URL) throws {
        try Data(text(of: data).utf8).write(to: url, options: .atomic)
    }
}
