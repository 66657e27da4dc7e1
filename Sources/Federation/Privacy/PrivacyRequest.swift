import Learning

/// What a modeller asks of differentially private training, as Bitfount's
/// `DPModellerConfig(epsilon=…, delta=…, max_grad_norm=…)` spells it: the (ε, δ) the whole
/// task may spend at each pod, and the clipping norm. It travels in the model specification
/// under the modeller's signature.
///
/// The modeller never chooses the noise. Each pod works out the noise multiplier σ that keeps
/// its own training within ε after every planned step (`rounds` rounds of the
/// specification's local epochs or steps, on its own row count), adds the noise itself, and
/// refuses rounds past the plan.
public struct PrivacyRequest: Sendable, Codable, Equatable {
    /// The ε the task may spend at each pod.
    public var epsilon: Double
    /// The δ of the guarantee; nil takes the pod's.
    public var delta: Double?
    /// C, the largest norm a row's gradient keeps.
    public var maxGradNorm: Double
    /// The rounds planned: each pod calibrates its noise for all of them.
    public var rounds: Int
    /// Where the noise goes.
    public var mode: PrivacyMode

    /// Where differential privacy's noise is added.
    public enum PrivacyMode: String, Sendable, Codable, Equatable, CaseIterable {
        /// DP-SGD at every pod: each row's gradient clipped, noise on every batch (the default).
        /// The guarantee protects each row of a pod, whatever the modeller and other pods do.
        case local
        /// Central DP on the aggregate (DP-FedAvg): each pod trains as usual, clips its whole
        /// update to `max_grad_norm` and adds its 1/n share of noise of σ·C, so that the sum
        /// that secure aggregation reveals carries the noise once. The guarantee protects a
        /// pod's data as a whole, and rests on the other pods adding their share.
        case central
    }

    /// The default δ when neither the modeller nor the pod gives one (Bitfount's).
    public static let defaultDelta = 1e-6

    /// A request; `validate()` checks it.
    public init(epsilon: Double, delta: Double? = nil, maxGradNorm: Double = 1, rounds: Int = 1, mode: PrivacyMode = .local) {
        self.epsilon = epsilon
        self.delta = delta
        self.maxGradNorm = maxGradNorm
        self.rounds = rounds
        self.mode = mode
    }

    /// Throws the first value out of range.
    public func validate() throws(TrainingError) {
        guard epsilon.isFinite, epsilon > 0 else {
            throw .invalidPrivacyRequest(field: "epsilon", value: "\(epsilon)", requirement: "a finite number above 0")
        }
        if let delta, !(delta > 0 && delta < 1) {
            throw .invalidPrivacyRequest(field: "delta", value: "\(delta)", requirement: "a number above 0 and below 1")
        }
        guard maxGradNorm.isFinite, maxGradNorm > 0 else {
            throw .invalidPrivacyRequest(field: "max_grad_norm", value: "\(maxGradNorm)", requirement: "a finite number above 0")
        }
        guard rounds >= 1 else {
            throw .invalidPrivacyRequest(field: "rounds", value: "\(rounds)", requirement: "a whole number of 1 or more")
        }
    }

    /// The words the signed task detail and the audit log use.
    var summary: String {
        (mode == .central ? "central " : "") + "differential privacy ε \(PrivacySpentReport.format(epsilon))"
            + (delta.map { ", δ \(PrivacySpentReport.format($0))" } ?? "")
            + ", max_grad_norm \(PrivacySpentReport.format(maxGradNorm)) over \(rounds) round\(rounds == 1 ? "" : "s")"
    }
}

/// What a differentially private task has spent at one pod: after each round the pod sends
/// it with its update, and the results and report show it.
public struct PrivacySpentReport: Sendable, Codable, Equatable {
    /// ε spent by the task at the pod so far (RDP accounting, all rounds).
    public let epsilon: Double
    /// The δ it holds for.
    public let delta: Double
    /// The noise multiplier the pod chose.
    public let noiseMultiplier: Double
    /// DP-SGD steps taken at the pod so far.
    public let steps: Int
    /// The probability that a row joined a batch.
    public let samplingRate: Double

    /// A report.
    public init(epsilon: Double, delta: Double, noiseMultiplier: Double, steps: Int, samplingRate: Double) {
        self.epsilon = epsilon
        self.delta = delta
        self.noiseMultiplier = noiseMultiplier
        self.steps = steps
        self.samplingRate = samplingRate
    }

    /// "ε 1.23 (δ 1e-05)".
    public var summary: String { "ε \(Self.format(epsilon)) (δ \(Self.format(delta)))" }

    /// A privacy number as people write it: 3, 0.5, 1.23, 1e-05.
    public static func format(_ value: Double) -> String {
        if value != 0 && abs(value) < 1e-3 { return String(format: "%g", value) }
        let text = String(format: "%.3f", value)
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}
