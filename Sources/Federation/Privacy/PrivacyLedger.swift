import Foundation
import GRDB

/// The privacy budget a pod's differentially private tasks spend, kept in the hub store
/// (`privacy_spend`), so it survives restarts and is shared by every process serving the pod.
///
/// A task accepted reserves its whole planned ε until `heldUntil`; each round records the ε
/// spent so far before its update leaves the pod; closing the task keeps only what it spent.
/// The check of the budget and the reservation are one write transaction, so two tasks
/// asking at once cannot both take the last of it.
extension HubStore {
    /// The budget `modeller` has on `pod` under `policy` at `now`.
    func privacyBudget(pod: PodIdentifier, modeller: String, policy: PodPrivacyPolicy, now: Date = Date()) throws -> PrivacyBudget {
        try read { db in try Self.privacyBudget(db, pod: pod, modeller: modeller, policy: policy, now: now) }
    }

    /// Reserves `epsilon` for `task` unless the budget refuses it; returns the refusal, or nil
    /// when the reservation was made (held until `heldUntil`).
    func reservePrivacy(task: UUID, pod: PodIdentifier, modeller: String, epsilon: Double, delta: Double,
                        policy: PodPrivacyPolicy, now: Date, heldUntil: Date) throws -> (PrivacyShortfall?, PrivacyBudget) {
        try write { db in
            let budget = try Self.privacyBudget(db, pod: pod, modeller: modeller, policy: policy, now: now)
            if let shortfall = budget.refusal(epsilon: epsilon, delta: delta) { return (shortfall, budget) }
            try db.execute(sql: """
                INSERT INTO privacy_spend (task, pod, modeller, epsilonPlanned, epsilonSpent, delta, openedAt, heldUntil)
                VALUES (?, ?, ?, ?, 0, ?, ?, ?)
                """, arguments: [task.uuidString, pod.description, modeller, epsilon, delta, now, heldUntil.timeIntervalSince1970])
            return (nil, try Self.privacyBudget(db, pod: pod, modeller: modeller, policy: policy, now: now))
        }
    }

    /// Records that `task` has spent `epsilon` in all at `pod`, holding its reservation until `heldUntil`.
    func recordPrivacySpent(task: UUID, pod: PodIdentifier, epsilon: Double, heldUntil: Date) throws {
        try write { db in
            try db.execute(sql: "UPDATE privacy_spend SET epsilonSpent = MAX(epsilonSpent, ?), heldUntil = ? WHERE task = ? AND pod = ?",
                           arguments: [epsilon, heldUntil.timeIntervalSince1970, task.uuidString, pod.description])
        }
    }

    /// Ends `task`'s reservation at `pod`: from now on only what it spent counts.
    func releasePrivacy(task: UUID, pod: PodIdentifier) throws {
        try write { db in
            try db.execute(sql: "UPDATE privacy_spend SET heldUntil = 0 WHERE task = ? AND pod = ?",
                           arguments: [task.uuidString, pod.description])
        }
    }

    private static func privacyBudget(_ db: Database, pod: PodIdentifier, modeller: String, policy: PodPrivacyPolicy,
                                      now: Date) throws -> PrivacyBudget {
        let committed = """
            SELECT COALESCE(SUM(CASE WHEN heldUntil > ? THEN MAX(epsilonPlanned, epsilonSpent) ELSE epsilonSpent END), 0)
            FROM privacy_spend WHERE pod = ?
            """
        let time = now.timeIntervalSince1970
        let all = try Double.fetchOne(db, sql: committed, arguments: [time, pod.description]) ?? 0
        let own = try Double.fetchOne(db, sql: committed + " AND modeller = ?", arguments: [time, pod.description, modeller]) ?? 0
        return PrivacyBudget(policy: policy, spentByModeller: own, spentByAll: all)
    }
}
