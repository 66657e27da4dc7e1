import Federation
import Foundation
import Learning

/// Turns a training's events into the lines a person reads, in tutorial 5's order: which
/// pods, how many rounds, each pod's answer, a metrics line per round, the final test
/// metrics, and "task complete".
final class TrainingReport {
    private let context: any CallContext
    private let continuousInputs: Bool
    private let privacy: PrivacyRequest?
    /// Each pod's latest batch in the running round, for the progress line.
    private var batches: [(pod: PodIdentifier, batch: Int, of: Int)] = []
    private var round = (current: 0, of: 0)

    init(context: any CallContext, continuousInputs: Bool, privacy: PrivacyRequest? = nil) {
        self.context = context
        self.continuousInputs = continuousInputs
        self.privacy = privacy
    }

    func show(_ event: TrainingEvent) {
        switch event {
        case .started(let overview):
            let plan = overview.plan
            let local = plan.epochsPerRound.map { "\($0) epoch\($0 == 1 ? "" : "s")" }
                ?? plan.stepsPerRound.map { "\($0) step\($0 == 1 ? "" : "s")" } ?? ""
            context.write("training on \(overview.pods.map(\.description).joined(separator: ", ")): "
                          + "\(plan.rounds) round\(plan.rounds == 1 ? "" : "s") of \(local) at each pod, "
                          + (overview.toleratesDroppedPods ? "secure aggregation that goes on when pods drop"
                             : overview.secureAggregation ? "secure aggregation" : "plain aggregation")
                          + ", pods weighted by \(overview.weighting == .equal ? "equally" : "training rows")\n")
            if let privacy {
                let format = PrivacySpentReport.format
                context.write("differential privacy: each pod spends at most ε \(format(privacy.epsilon))"
                              + (privacy.delta.map { " (δ \(format($0)))" } ?? "")
                              + ", rows' gradients clipped to \(format(privacy.maxGradNorm)), noise chosen by each pod\n")
            }
            if overview.secureAggregation && continuousInputs {
                context.notice("note: secure aggregation needs updates of similar scale; continuous inputs are standardised at each pod")
            }
        case .podAccepted(let pod):
            context.write("  \(pod) accepted\n")
        case .roundStarted(let number, let rounds, let pods):
            round = (number, rounds)
            batches = pods.map { ($0, 0, 0) }
        case .podProgress(let pod, _, let progress):
            if let index = batches.firstIndex(where: { $0.pod == pod }) { batches[index] = (pod, progress.batch, progress.batches) }
            context.progress("round \(round.current)/\(round.of)  " + batches.map { entry in
                "\(entry.pod.name) " + TrainingReport.bar(entry.batch, of: entry.of)
            }.joined(separator: "  "))
        case .podRefused(let refusal):
            context.write("  \(refusal.pod) refused: \(refusal.rejection.reason)\n")
        case .podDropped(let dropped):
            context.notice("warning: \(dropped.pod) dropped out in round \(dropped.round): \(dropped.reason); going on without it")
        case .roundFinished(let round):
            context.progress(nil)
            let metrics = round.combined.namedValues.map { "\($0.name) \($0.value.map { String(format: "%.4f", $0) } ?? "—")" }
            context.write("round \(round.round): " + metrics.joined(separator: " · ") + "\n")
            let spending = round.pods.compactMap { pod in pod.privacy.map { "\(pod.pod.name) \($0.summary)" } }
            if !spending.isEmpty {
                context.write("  privacy spent: " + spending.joined(separator: " · ") + "\n")
            }
        case .evaluated(let evaluation):
            context.write(TrainingReport.evaluationTable(evaluation).display(in: context.displayContext) + "\n")
        case .checkpointNotRemoved(let reason):
            context.notice("note: the finished training's checkpoint could not be removed: \(reason)")
        case .finished:
            context.write("task complete\n")
        case .podFinished, .checkpoint:
            break
        }
    }

    /// `████░░░░ 52%`
    static func bar(_ done: Int, of total: Int, width: Int = 12) -> String {
        guard total > 0 else { return String(repeating: "░", count: width) + "   0%" }
        let filled = min(width, done * width / total)
        let percent = min(100, done * 100 / total)
        return String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            + " " + String(repeating: " ", count: 3 - String(percent).count) + "\(percent)%"
    }

    /// Test metrics per pod and pooled, as a table.
    static func evaluationTable(_ results: EvaluationResults) -> TableObject {
        let names = results.pooled.namedValues.map(\.name)
        func cells(_ metrics: ClassificationMetrics) -> [String] {
            metrics.namedValues.map { $0.value.map { String(format: "%.4f", $0) } ?? "—" }
        }
        var rows = results.pods.map { [$0.pod.description, String($0.metrics.rowCount)] + cells($0.metrics) }
        rows.append(["pooled", String(results.pooled.rowCount)] + cells(results.pooled))
        return TableObject(title: "\(results.part.rawValue) metrics:",
                           table: PlainTextTable(headers: ["pod", "rows"] + names, rows: rows))
    }
}
