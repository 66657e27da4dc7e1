import Foundation
import Learning

/// Synthetic rows shaped like the census-income data: the same categorical cardinalities
/// (skewed category frequencies), six continuous columns on census-like scales, and a binary
/// label from a noisy additive model with one interaction, about a quarter positive.
public enum SyntheticCensus {
    /// The categorical columns and their cardinalities.
    public static let categorical: [(String, Int)] = [
        ("workclass", 8), ("education", 16), ("marital-status", 7), ("occupation", 14),
        ("relationship", 6), ("race", 5), ("gender", 2), ("native-country", 41),
    ]
    /// The continuous columns.
    public static let continuous = ["age", "fnlwgt", "educational-num", "capital-gain", "capital-loss", "hours-per-week"]

    /// `rows` rows from `seed`; the label model is drawn from `modelSeed` so that training and
    /// test files share it.
    public static func generate(rows: Int, seed: UInt64, modelSeed: UInt64 = 42) throws -> TabularDataset {
        var model = SeededGenerator(seed: modelSeed)
        let effects = categorical.map { _, cardinality in (0..<cardinality).map { _ in 0.8 * model.nextNormal() } }
        let interaction = (0..<(6 * 2)).map { _ in 0.8 * model.nextNormal() }
        var generator = SeededGenerator(seed: seed)
        var codes: [Int32] = []
        var values: [Float] = []
        var labels: [Int32] = []
        let weights = categorical.map { _, cardinality in (0..<cardinality).map { 1 / pow(Double($0 + 1), 1.3) } }
        for _ in 0..<rows {
            var row: [Int] = []
            for weight in weights {
                row.append(draw(weight, &generator))
            }
            let age = 17 + 73 * pow(generator.nextDouble(), 1.4)
            let weightFactor = exp(12 + 0.5 * generator.nextNormal())
            let educationNumber = Double(16 - row[1])
            let gain = generator.nextDouble() < 0.08 ? exp(8 + generator.nextNormal()) : 0
            let loss = generator.nextDouble() < 0.05 ? 1900 + 300 * generator.nextNormal() : 0
            let hours = min(99, max(1, 40 + 12 * generator.nextNormal()))
            var logit = -2.2
            for (column, code) in row.enumerated() { logit += effects[column][code] }
            logit += interaction[row[4] * 2 + row[6]]
            logit += 0.035 * (age - 38) + 0.25 * (educationNumber - 10) + 0.00025 * gain + 0.0006 * loss + 0.03 * (hours - 40)
            logit += 0.6 * generator.nextNormal()
            codes += row.map { Int32($0) }
            values += [age, weightFactor, educationNumber, gain, loss, hours].map { Float($0) }
            labels.append(logit > 0 ? 1 : 0)
        }
        let layout = TabularLayout(
            categorical: categorical.map { .init(name: $0.0, cardinality: $0.1) },
            continuousNames: continuous, targetName: "TARGET", classCount: 2)
        return try TabularDataset(layout: layout, rowCount: rows, categorical: codes, continuous: values, labels: labels)
    }

    private static func draw(_ weights: [Double], _ generator: inout SeededGenerator) -> Int {
        let total = weights.reduce(0, +)
        var u = generator.nextDouble() * total
        for (index, weight) in weights.enumerated() {
            u -= weight
            if u < 0 { return index }
        }
        return weights.count - 1
    }
}
