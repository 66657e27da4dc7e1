extension TabularDataset {
    /// The rows as the encoded CSV the benchmarks hand to PyTorch: a header naming each column
    /// by kind (`c:NAME:CARDINALITY` categorical codes, `x:NAME` continuous values,
    /// `y:TARGET:CLASSES` the label), then one line per row.
    public func encodedCSV() -> String {
        var header = layout.categorical.map { "c:\($0.name):\($0.cardinality)" }
        header += layout.continuousNames.map { "x:\($0)" }
        header.append("y:\(layout.targetName):\(layout.classCount)")
        var text = header.joined(separator: ",") + "\n"
        let categoricalCount = layout.categoricalCount
        let continuousCount = layout.continuousCount
        for row in 0..<rowCount {
            var fields = (0..<categoricalCount).map { String(categorical[row * categoricalCount + $0]) }
            fields += (0..<continuousCount).map { "\(continuous[row * continuousCount + $0])" }
            fields.append(String(labels[row]))
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }
}
