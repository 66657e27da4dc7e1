import Files
import Foundation
import GRDB

/// The hub's SQLite database (`<home>/hub.sqlite`): users and their keys,
/// pods, approvals, role grants, task runs and the append-only audit log.
///
/// WAL mode (GRDB's `DatabasePool`), one transaction per operation, foreign
/// keys on; a process killed at any moment leaves the committed state. Errors
/// thrown inside a transaction roll it back, so a failing operation leaves
/// the store as it was.
final class HubStore: Sendable {
    /// The database file.
    let path: String
    private let pool: DatabasePool

    /// Opens (creating and migrating when needed) the store at `path`.
    init(path: String) throws(HubError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "bf hub"
        do {
            // Opening is serialised between processes. On a new file, two pools turning on
            // WAL at once both hold a read lock and ask for the write lock, and SQLite fails
            // one at once with "database is locked" rather than wait (each waits for the
            // other). And GRDB reads which migrations ran before it takes the write lock, so
            // both would run the first migration.
            pool = try FileLock.whileHolding(path + "-migration.lock") {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try HubMigrations.migrator.migrate(pool)
                return pool
            }
        } catch {
            throw .storage(path: path, reason: Self.reason(error))
        }
    }

    /// Runs `body` in a write transaction.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try translatingErrors { try pool.write(body) }
    }

    /// Runs `body` in a read transaction.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try translatingErrors { try pool.read(body) }
    }

    /// Passes Federation's own errors through and turns database errors
    /// into `HubError.storage`.
    private func translatingErrors<T>(_ operation: () throws -> T) throws -> T {
        do {
            return try operation()
        } catch let error as any FederationError {
            throw error
        } catch {
            throw HubError.storage(path: path, reason: Self.reason(error))
        }
    }

    /// SQLite's own check of the file: "ok" when sound.
    func integrityCheck() throws -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? error.resultCode.description
        }
        return "\(error)"
    }
}

// MARK: - Users

extension HubStore {
    /// Records `name` with `publicKey`, or checks that the hub already has
    /// that key for the name.
    func registerUser(name: String, publicKey: Data, keyPath: String) throws {
        try write { db in
            if let existing = try UserRow.fetchOne(db, key: name) {
                guard existing.publicKey == publicKey else { throw IdentityError.keyMismatch(name: name, path: keyPath) }
                return
            }
            try UserRow(name: name, publicKey: publicKey, createdAt: Date()).insert(db)
        }
    }

    /// The public key of `name`, or nil for an unknown user.
    func publicKey(of name: String) throws -> Data? {
        try read { db in try UserRow.fetchOne(db, key: name)?.publicKey }
    }

    /// Every user name, sorted.
    func userNames() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM user ORDER BY name") }
    }
}

// MARK: - Pods, approvals and grants

extension HubStore {
    /// The row of `pod`, or nil.
    func podRow(_ pod: PodIdentifier) throws -> PodRow? {
        try read { db in try PodRow.fetchOne(db, key: pod.description) }
    }

    /// Every pod row, by identifier.
    func podRows() throws -> [PodRow] {
        try read { db in try PodRow.order(GRDB.Column("id")).fetchAll(db) }
    }

    /// The pods `pod` approves, sorted.
    func approvedPods(of pod: PodIdentifier) throws -> [PodIdentifier] {
        try read { db in try Self.approvedPods(of: pod, db) }
    }

    static func approvedPods(of pod: PodIdentifier, _ db: Database) throws -> [PodIdentifier] {
        try String.fetchAll(db, sql: "SELECT approvedPod FROM pod_approval WHERE pod = ? ORDER BY approvedPod",
                            arguments: [pod.description])
            .compactMap { try? PodIdentifier(parsing: $0) }
    }

    /// The roles `user` holds on `pod`, in `Role` order.
    func roles(of user: String, on pod: PodIdentifier) throws -> [Role] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT role FROM role_grant WHERE pod = ? AND user = ?",
                                arguments: [pod.description, user])
                .compactMap(Role.init(rawValue:)).sorted()
        }
    }

    /// Every grant on `pod`: user and role, sorted.
    func grants(on pod: PodIdentifier) throws -> [(user: String, role: Role)] {
        try read { db in
            try RoleGrantRow.filter(GRDB.Column("pod") == pod.description).fetchAll(db)
                .compactMap { row in Role(rawValue: row.role).map { (row.user, $0) } }
                .sorted { ($0.user, $0.role) < ($1.user, $1.role) }
        }
    }
}

// MARK: - Audit log and task runs

extension HubStore {
    /// Appends one pod answer to the audit log.
    func appendAudit(pod: PodIdentifier, request: TaskRequest, rejection: TaskRejection?, at date: Date) throws {
        try write { db in
            var row = AuditRow(id: nil, at: date, pod: pod.description, modeller: request.modeller,
                               taskKind: request.kind.rawValue,
                               taskPods: request.pods.map(\.description).joined(separator: ","),
                               secureAggregation: request.secureAggregation, requestID: request.id.uuidString,
                               accepted: rejection == nil, reason: rejection?.reason ?? "")
            try row.insert(db)
        }
    }

    /// Appends a call refused before it reached the pod (it has no request of its own: a
    /// fresh identifier stands for it).
    func appendRefusedCall(pod: PodIdentifier, caller: String, kind: TaskKind, reason: String, at date: Date) throws {
        try write { db in
            var row = AuditRow(id: nil, at: date, pod: pod.description, modeller: caller, taskKind: kind.rawValue,
                               taskPods: pod.description, secureAggregation: false, requestID: UUID().uuidString,
                               accepted: false, reason: reason)
            try row.insert(db)
        }
    }

    /// The audit log, oldest first, for one pod or all.
    func auditEntries(pod: PodIdentifier?) throws -> [AuditEntry] {
        try read { db in
            var request = AuditRow.order(GRDB.Column("id"))
            if let pod { request = request.filter(GRDB.Column("pod") == pod.description) }
            return try request.fetchAll(db).compactMap { row in
                guard let id = row.id, let pod = try? PodIdentifier(parsing: row.pod),
                      let kind = TaskKind(rawValue: row.taskKind), let requestID = UUID(uuidString: row.requestID) else { return nil }
                let pods = row.taskPods.split(separator: ",").compactMap { try? PodIdentifier(parsing: String($0)) }
                return AuditEntry(id: id, at: row.at, pod: pod, modeller: row.modeller, taskKind: kind, taskPods: pods,
                                  secureAggregation: row.secureAggregation, requestID: requestID,
                                  accepted: row.accepted, reason: row.reason)
            }
        }
    }

    /// Records the start of a task run and returns its number.
    func startTaskRun(modeller: String, kind: TaskKind, pods: [PodIdentifier], secureAggregation: Bool, detail: String) throws -> Int64 {
        try write { db in
            var row = TaskRunRow(id: nil, modeller: modeller, kind: kind.rawValue,
                                 pods: pods.map(\.description).joined(separator: ","),
                                 secureAggregation: secureAggregation, startedAt: Date(), finishedAt: nil,
                                 status: TaskRun.Status.running.rawValue, detail: detail)
            try row.insert(db)
            return row.id ?? db.lastInsertedRowID
        }
    }

    /// Records how task run `id` ended.
    func finishTaskRun(_ id: Int64, status: TaskRun.Status, detail: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE task_run SET finishedAt = ?, status = ?, detail = ? WHERE id = ?",
                           arguments: [Date(), status.rawValue, detail, id])
        }
    }

    /// Every task run, oldest first.
    func taskRuns() throws -> [TaskRun] {
        try read { db in
            try TaskRunRow.order(GRDB.Column("id")).fetchAll(db).compactMap { row in
                guard let id = row.id, let kind = TaskKind(rawValue: row.kind),
                      let status = TaskRun.Status(rawValue: row.status) else { return nil }
                return TaskRun(id: id, modeller: row.modeller, kind: kind,
                               pods: row.pods.split(separator: ",").compactMap { try? PodIdentifier(parsing: String($0)) },
                               secureAggregation: row.secureAggregation, startedAt: row.startedAt,
                               finishedAt: row.finishedAt, status: status, detail: row.detail)
            }
        }
    }
}

// MARK: - Call nonces

extension HubStore {
    /// Records `nonce` (of a call stamped `timestamp`) in `scope`; false when `scope` has it
    /// already. The table's primary key decides, so servers of one home in several processes
    /// agree. One statement in its own transaction, the cheapest durable write a call can pay.
    func recordNonce(_ nonce: Data, scope: String, timestamp: Int64) throws -> Bool {
        try translatingErrors {
            try pool.writeWithoutTransaction { db in
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO call_nonce (scope, nonce, timestamp) VALUES (?, ?, ?)")
                    .execute(arguments: [scope, nonce, timestamp])
                return db.changesCount > 0
            }
        }
    }

    /// Forgets every nonce, of any scope, stamped before `cutoff`.
    func forgetNonces(before cutoff: Int64) throws {
        try translatingErrors {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "DELETE FROM call_nonce WHERE timestamp < ?", arguments: [cutoff])
            }
        }
    }
}

// MARK: - Checkpoints

extension HubStore {
    /// Records `row` as the checkpoint of its training, in one transaction, and returns the
    /// row as stored (its time at the store's precision) and the row it replaces, if any.
    func recordCheckpoint(_ row: CheckpointRow) throws -> (stored: CheckpointRow, previous: CheckpointRow?) {
        try write { db in
            let previous = try CheckpointRow.fetchOne(db, key: row.key)
            try row.upsert(db)
            return (try CheckpointRow.fetchOne(db, key: row.key) ?? row, previous)
        }
    }

    /// The checkpoint of training `key`, or nil.
    func checkpointRow(_ key: String) throws -> CheckpointRow? {
        try read { db in try CheckpointRow.fetchOne(db, key: key) }
    }

    /// Forgets the checkpoint of training `key` and returns its row, if there was one.
    func deleteCheckpoint(_ key: String) throws -> CheckpointRow? {
        try write { db in
            let row = try CheckpointRow.fetchOne(db, key: key)
            _ = try CheckpointRow.deleteOne(db, key: key)
            return row
        }
    }
}
