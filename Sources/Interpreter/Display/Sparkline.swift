/// A line of block characters showing a series' shape: `▁▃▅█`.
enum Sparkline {
    static func render(_ values: [Double]) -> String {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return "" }
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        return String(values.map { value -> Character in
            guard value.isFinite else { return " " }
            guard high > low else { return blocks[3] }
            return blocks[min(7, Int((value - low) / (high - low) * 7.999))]
        })
    }
}
