import GRDB

/// The hub database's schema, as an ordered list of migrations. Migrations
/// are only ever appended; a released one is never edited.
enum HubMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: users, pods, approvals, grants, task runs, audit log") { db in
            try db.create(table: "user") { t in
                t.primaryKey("name", .text)
                t.column("publicKey", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "pod") { t in
                t.primaryKey("id", .text)
                t.column("owner", .text).notNull().references("user", onDelete: .restrict)
                t.column("name", .text).notNull().indexed()
                t.column("displayName", .text).notNull()
                t.column("description", .text).notNull()
                t.column("dataPath", .text).notNull()
                t.column("dataConfig", .text).notNull()
                t.column("schema", .text).notNull()
                t.column("rowCount", .integer).notNull()
                t.column("minimumGroupSize", .integer).notNull().defaults(to: 5)
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["owner", "name"])
            }
            try db.create(table: "pod_approval") { t in
                t.column("pod", .text).notNull().references("pod", onDelete: .cascade)
                t.column("approvedPod", .text).notNull()
                t.primaryKey(["pod", "approvedPod"])
            }
            try db.create(table: "role_grant") { t in
                t.column("pod", .text).notNull().references("pod", onDelete: .cascade)
                t.column("user", .text).notNull().references("user", onDelete: .cascade)
                t.column("role", .text).notNull()
                t.column("grantedBy", .text).notNull()
                t.column("grantedAt", .datetime).notNull()
                t.primaryKey(["pod", "user", "role"])
            }
            try db.create(table: "task_run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("modeller", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("pods", .text).notNull()
                t.column("secureAggregation", .boolean).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("finishedAt", .datetime)
                t.column("status", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(table: "audit_entry") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("pod", .text).notNull().indexed()
                t.column("modeller", .text).notNull()
                t.column("taskKind", .text).notNull()
                t.column("taskPods", .text).notNull()
                t.column("secureAggregation", .boolean).notNull()
                t.column("requestID", .text).notNull()
                t.column("accepted", .boolean).notNull()
                t.column("reason", .text).notNull()
            }
            try db.execute(sql: """
                CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
        migrator.registerMigration("v3-checkpoints: training checkpoints per task") { db in
            // One row per training (its key names the model, pods and options): the last
            // complete round's checkpoint file under the home, and the file's SHA-256.
            try db.create(table: "checkpoint") { t in
                t.primaryKey("key", .text)
                t.column("round", .integer).notNull()
                t.column("path", .text).notNull()
                t.column("digest", .text).notNull()
                t.column("savedAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v4-call-nonces: the nonces of calls a pod server accepted") { db in
            // A served pod refuses a call whose nonce it has accepted before. Kept here, not
            // only in memory, so that a restarted server still refuses a call captured before
            // the restart; rows older than the accepted clock skew are pruned as calls come.
            try db.execute(sql: """
                CREATE TABLE call_nonce (
                    scope TEXT NOT NULL,
                    nonce BLOB NOT NULL,
                    timestamp INTEGER NOT NULL,
                    PRIMARY KEY (scope, nonce)
                ) WITHOUT ROWID;
                CREATE INDEX call_nonce_timestamp ON call_nonce (timestamp);
                """)
        }
        migrator.registerMigration("v5-row-predictions: whether a pod lets per-row prediction scores leave it") { db in
            try db.alter(table: "pod") { t in
                t.add(column: "allowRowPredictions", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v6-downloaded-data: the URL and SHA-256 of a pod's downloaded data") { db in
            try db.alter(table: "pod") { t in
                t.add(column: "dataURL", .text)
                t.add(column: "dataDigest", .text)
            }
        }
        migrator.registerMigration("v7-privacy: pods' privacy limits and the privacy budget their tasks spend") { db in
            try db.alter(table: "pod") { t in
                t.add(column: "privacyPolicy", .text)  // PodPrivacyPolicy as JSON; NULL: no limits
            }
            // One row per differentially private task and pod that accepted it. Not tied to the pod
            // row: a pod deleted and made again keeps what its data has already spent.
            try db.create(table: "privacy_spend") { t in
                t.column("task", .text).notNull()
                t.column("pod", .text).notNull().indexed()
                t.column("modeller", .text).notNull()
                t.column("epsilonPlanned", .double).notNull()
                t.column("epsilonSpent", .double).notNull()
                t.column("delta", .double).notNull()
                t.column("openedAt", .datetime).notNull()
                // Until then the task holds its whole planned ε; after it (closed, or idle
                // past the task timeout, or its pod restarted), only what it spent counts.
                t.column("heldUntil", .double).notNull()
                t.primaryKey(["task", "pod"])
            }
        }
        return migrator
    }
}
