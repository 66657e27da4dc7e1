import Foundation
import GRDB

/// A row of `user`: a local or known user and their Ed25519 public key.
struct UserRow: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "user"
    var name: String
    var publicKey: Data
    var createdAt: Date
}

/// A row of `pod`: everything the hub keeps about a pod, including its
/// data configuration and inferred schema as JSON.
struct PodRow: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "pod"
    var id: String
    var owner: String
    var name: String
    var displayName: String
    var description: String
    var dataPath: String
    var dataConfig: String
    var schema: String
    var rowCount: Int
    var minimumGroupSize: Int
    var createdAt: Date
    /// Whether per-row prediction scores may leave the pod.
    var allowRowPredictions: Bool
    /// The URL the data was downloaded from when the pod was created; nil for a local file.
    var dataURL: String? = nil
    /// The SHA-256 of the downloaded copy at `dataPath`, checked before every load.
    var dataDigest: String? = nil
    /// The owner's privacy limits (`PodPrivacyPolicy`) as JSON; nil for none.
    var privacyPolicy: String? = nil
}

/// A row of `pod_approval`: `pod` accepts `approvedPod` as a partner in
/// secure aggregation.
struct ApprovalRow: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "pod_approval"
    var pod: String
    var approvedPod: String
}

/// A row of `role_grant`: `user` holds `role` on `pod`.
struct RoleGrantRow: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "role_grant"
    var pod: String
    var user: String
    var role: String
    var grantedBy: String
    var grantedAt: Date
}

/// A row of `task_run`.
struct TaskRunRow: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "task_run"
    var id: Int64?
    var modeller: String
    var kind: String
    var pods: String
    var secureAggregation: Bool
    var startedAt: Date
    var finishedAt: Date?
    var status: String
    var detail: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `audit_entry`; the table refuses updates and deletes.
struct AuditRow: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "audit_entry"
    var id: Int64?
    var at: Date
    var pod: String
    var modeller: String
    var taskKind: String
    var taskPods: String
    var secureAggregation: Bool
    var requestID: String
    var accepted: Bool
    var reason: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `checkpoint`: where the last checkpoint of the training `key` lies (relative to
/// the bf home), after how many rounds, and the file's SHA-256 in hex.
struct CheckpointRow: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "checkpoint"
    var key: String
    var round: Int
    var path: String
    var digest: String
    var savedAt: Date
}
