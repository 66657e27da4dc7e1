import Federation
import Foundation
import OrderedCollections

/// What `model.predict()` returns when the pods sent each test row's scores: per pod, the
/// rows by their index in the pod's test split, the predicted class and the probability of
/// each class. `predictions[i]` is one row as a dictionary; `bf run --predictions OUT.csv`
/// writes them all.
final class PredictionsObject: TabularObject {
    static let type = ObjectType(name: "Predictions",
                                 summary: "each test row's predicted class and class probabilities, per pod (predictions[i])",
                                 attributes: [
                                     .of(PredictionsObject.self, "classes") { .list($0.results.classes.map(Value.string)) },
                                     .of(PredictionsObject.self, "pods") { .list($0.results.pods.map { .string($0.pod.description) }) },
                                 ])

    let results: PredictionResults
    var objectType: ObjectType { PredictionsObject.type }

    init(_ results: PredictionResults) { self.results = results }

    /// One scored row: its pod, its index in the pod's test split and its probabilities.
    struct Row {
        let pod: PodIdentifier
        let testRow: Int
        let probabilities: ArraySlice<Float>

        /// The class of highest probability (the first on a tie), as the pod counts it.
        var predicted: Int {
            var best = probabilities.startIndex
            for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
            return best - probabilities.startIndex
        }
    }

    /// Every row, pod by pod in the task's order.
    var rows: [Row] {
        let classes = results.classes.count
        return results.pods.flatMap { summary -> [Row] in
            guard let scores = summary.rows else { return [] }
            return scores.testRows.enumerated().map { position, testRow in
                Row(pod: summary.pod, testRow: testRow,
                    probabilities: scores.probabilities[(position * classes)..<((position + 1) * classes)])
            }
        }
    }

    var length: Int? { results.pods.reduce(0) { $0 + ($1.rows?.testRows.count ?? 0) } }

    func element(at index: Value) throws -> Value {
        let all = rows
        guard case .int(let position) = index else { throw RuntimeError(.rowIndexNotInteger(rows: "prediction rows", index: index.typeName)) }
        let resolved = position < 0 ? all.count + position : position
        guard resolved >= 0, resolved < all.count else {
            throw RuntimeError(.rowOutOfRange(position, count: all.count, noun: "row", counted: "row", last: "predictions"))
        }
        let row = all[resolved]
        var entries = OrderedDictionary<String, Value>()
        entries["pod"] = .string(row.pod.description)
        entries["test_row"] = .int(row.testRow)
        entries["predicted"] = .string(results.classes[row.predicted])
        for (name, probability) in zip(results.classes, row.probabilities) { entries["p_" + name] = .float(Double(probability)) }
        return .dict(entries)
    }

    func blocks(in context: DisplayContext) -> [DisplayBlock] {
        let all = rows
        let shown = all.prefix(5).map { row in
            [row.pod.description, String(row.testRow), results.classes[row.predicted]]
                + row.probabilities.map { String(format: "%.4f", Double($0)) }
        }
        let title = "predictions of \(all.count) test row\(all.count == 1 ? "" : "s") from \(results.pods.count) pod\(results.pods.count == 1 ? "" : "s")"
            + (all.count > shown.count ? " (the first \(shown.count); predictions[i] for any, bf run --predictions OUT.csv for all):" : ":")
        return [.text(title),
                .table(PlainTextTable(headers: ["pod", "test row", "predicted"] + results.classes.map { "p(\($0))" }, rows: shown))]
    }
}

/// The per-row predictions of a run as CSV: `pod,test_row,predicted,p_<class>…`, one line a
/// row, probabilities in the shortest text that reads back as the same float32.
enum PredictionsCSV {
    /// The CSV text of every row of `predictions`.
    static func text(_ predictions: PredictionResults) -> String {
        let object = PredictionsObject(predictions)
        var lines = [(["pod", "test_row", "predicted"] + predictions.classes.map { "p_" + $0 }).map(field).joined(separator: ",")]
        for row in object.rows {
            lines.append(([row.pod.description, String(row.testRow), predictions.classes[row.predicted]]
                          + row.probabilities.map { "\($0)" }).map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    private static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
