import Foundation

/// A pod owner's limits on differentially private training (the pod YAML's
/// `differential_privacy` section): the most ε one task may ask for (Bitfount's
/// `DPPodConfig.epsilon`), the most ε one modeller and all modellers together may spend over
/// every task, and the largest δ a task may use. A limit left out is no limit.
///
/// Budgets add up over tasks (basic composition: spending ε₁ then ε₂ is (ε₁ + ε₂)-DP), which
/// is what a custodian can check by hand; within a task the accountant composes the steps.
public struct PodPrivacyPolicy: Sendable, Codable, Equatable {
    /// The most ε one task may ask for.
    public var maxEpsilonPerTask: Double?
    /// The most ε one modeller's tasks may spend in all.
    public var maxEpsilonPerModeller: Double?
    /// The most ε all modellers' tasks may spend in all.
    public var maxEpsilonTotal: Double?
    /// The largest δ a task may use, and the δ of a task that names none.
    public var delta: Double

    /// A policy.
    public init(maxEpsilonPerTask: Double? = nil, maxEpsilonPerModeller: Double? = nil, maxEpsilonTotal: Double? = nil,
                delta: Double = PrivacyRequest.defaultDelta) {
        self.maxEpsilonPerTask = maxEpsilonPerTask
        self.maxEpsilonPerModeller = maxEpsilonPerModeller
        self.maxEpsilonTotal = maxEpsilonTotal
        self.delta = delta
    }

    /// The policy a pod record holds as JSON (nil: none).
    static func stored(_ json: String?, pod: PodIdentifier) throws -> PodPrivacyPolicy? {
        guard let json else { return nil }
        do {
            return try JSONDecoder().decode(PodPrivacyPolicy.self, from: Data(json.utf8))
        } catch {
            throw HubError.corruptPodRecord(pod.description, reason: "its privacy policy: \(error)")
        }
    }

    /// "ε up to 5 a task, 10 per modeller, 30 in all; δ up to 1e-05".
    public var summary: String {
        let format = PrivacySpentReport.format
        let limits = [maxEpsilonPerTask.map { "up to \(format($0)) a task" }, maxEpsilonPerModeller.map { "\(format($0)) per modeller" },
                      maxEpsilonTotal.map { "\(format($0)) in all" }].compactMap { $0 }
        return (limits.isEmpty ? "no ε limit" : "ε " + limits.joined(separator: ", ")) + "; δ up to \(format(delta))"
    }
}

/// A modeller's privacy budget on a pod: the pod's limits, what is spent (or held by running
/// tasks), and so what a new task may still ask for. Pods send it with their answer to
/// `check_access`, and with a refusal for want of budget.
public struct PrivacyBudget: Sendable, Codable, Equatable {
    /// The pod's limits.
    public let policy: PodPrivacyPolicy
    /// ε spent or held by this modeller's tasks.
    public let spentByModeller: Double
    /// ε spent or held by every modeller's tasks.
    public let spentByAll: Double

    /// A budget.
    public init(policy: PodPrivacyPolicy, spentByModeller: Double, spentByAll: Double) {
        self.policy = policy
        self.spentByModeller = spentByModeller
        self.spentByAll = spentByAll
    }

    /// The most ε a new task of this modeller may ask for, or nil when nothing limits it.
    public var remaining: Double? {
        let limits = [policy.maxEpsilonPerTask,
                      policy.maxEpsilonPerModeller.map { $0 - spentByModeller },
                      policy.maxEpsilonTotal.map { $0 - spentByAll }].compactMap { $0 }
        return limits.min().map { max(0, $0) }
    }

    /// Why a task asking for `epsilon` and `delta` must be refused, or nil when it fits.
    func refusal(epsilon: Double, delta: Double) -> PrivacyShortfall? {
        if delta > policy.delta { return .deltaTooLarge(requested: delta, allowed: policy.delta) }
        // A relative slack of 10⁻⁹ so that asking for exactly what is left is never refused by rounding.
        func exceeds(_ limit: Double) -> Bool { epsilon > limit * (1 + 1e-9) }
        if let limit = policy.maxEpsilonPerTask, exceeds(limit) {
            return .overBudget(requested: epsilon, available: limit, scope: .task)
        }
        if let limit = policy.maxEpsilonPerModeller, exceeds(limit - spentByModeller) {
            return .overBudget(requested: epsilon, available: max(0, limit - spentByModeller), scope: .modeller)
        }
        if let limit = policy.maxEpsilonTotal, exceeds(limit - spentByAll) {
            return .overBudget(requested: epsilon, available: max(0, limit - spentByAll), scope: .allModellers)
        }
        return nil
    }

    /// "ε up to 5 a task, 7 of 10 left to you; δ up to 1e-05; you have spent ε 3", for `check_access`.
    public var summary: String {
        let format = PrivacySpentReport.format
        var limits: [String] = []
        if let task = policy.maxEpsilonPerTask { limits.append("up to \(format(task)) a task") }
        if let own = policy.maxEpsilonPerModeller { limits.append("\(format(max(0, own - spentByModeller))) of \(format(own)) left to you") }
        if let all = policy.maxEpsilonTotal { limits.append("\(format(max(0, all - spentByAll))) of \(format(all)) left to all modellers") }
        return (limits.isEmpty ? "no ε limit" : "ε " + limits.joined(separator: ", "))
            + "; δ up to \(format(policy.delta)); you have spent ε \(format(spentByModeller))"
    }
}

/// Why a pod's privacy budget refuses a task.
public enum PrivacyShortfall: Sendable, Codable, Equatable {
    /// Which limit a request passes.
    public enum Scope: String, Sendable, Codable, Equatable {
        /// The most one task may ask for.
        case task
        /// What is left of the modeller's own budget.
        case modeller
        /// What is left of the pod's budget for all modellers.
        case allModellers = "all modellers"
    }

    /// The task asks for more ε than the limit of `scope` leaves.
    case overBudget(requested: Double, available: Double, scope: Scope)
    /// The task's δ is larger than the pod allows.
    case deltaTooLarge(requested: Double, allowed: Double)

    /// The refusal's words.
    var reason: String {
        let format = PrivacySpentReport.format
        switch self {
        case let .overBudget(requested, available, scope):
            let limit: String
            switch scope {
            case .task: limit = "this pod allows at most ε \(format(available)) per task"
            case .modeller: limit = "your privacy budget on this pod has ε \(format(available)) left"
            case .allModellers: limit = "this pod's privacy budget for all modellers has ε \(format(available)) left"
            }
            return "the task asks for ε \(format(requested)), but \(limit)"
        case let .deltaTooLarge(requested, allowed):
            return "the task asks for δ \(format(requested)), but this pod allows at most δ \(format(allowed))"
        }
    }
}
