import Diagnostics
import Foundation
import GRDB

extension Hub {
    /// Creates a pod from `spec`: loads and checks its data, infers the
    /// schema, and in one transaction registers the pod, its approvals and
    /// the owner's `super_modeller` role. With `replacing`, an existing pod
    /// of the same identifier (and its grants and approvals) is replaced.
    ///
    /// Nothing is written unless everything succeeds. What the owner should be told about the
    /// data (`ColumnNote`s: values read as missing, …) goes to `notes`.
    ///
    /// Data at an `http://` or `https://` URL is downloaded once into `<home>/data` (see
    /// `DataDownload`); the pod records the URL and the copy's SHA-256 and reads only that
    /// copy afterwards. What the owner should know about the download goes to `downloads`.
    @discardableResult
    public func createPod(_ spec: PodSpec, replacing: Bool = false,
                          notes: (ColumnNote) -> Void = { _ in },
                          downloads: (DataDownloadNote) -> Void = { _ in }) throws -> PodDescription {
        let identifier = try spec.identifier()
        guard spec.minimumGroupSize >= PodSpec.smallestMinimumGroupSize else {
            throw HubError.minimumGroupSizeTooSmall(pod: spec.name, size: spec.minimumGroupSize)
        }
        let approved = try spec.approvedIdentifiers().filter { $0 != identifier }
        guard try store.publicKey(of: spec.owner) != nil else {
            throw HubError.unknownUser(spec.owner, suggestion: Suggestion.closest(to: spec.owner, among: try store.userNames()))
        }
        var dataFile = spec.dataPath
        var download: DataDownload?
        if let scheme = spec.dataPath.scheme?.lowercased(), scheme == "http" || scheme == "https" {
            if scheme == "http" { downloads(DataDownloadNote(url: spec.dataPath.absoluteString, kind: .unencrypted)) }
            let fetched = try DataDownload.fetch(spec.dataPath, into: DataDownload.folder(in: home))
            dataFile = fetched.file
            download = fetched
        }
        let dataset = try CSVSource.load(dataFile, table: spec.name, config: spec.dataConfig)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let configJSON = String(decoding: try encoder.encode(spec.dataConfig), as: UTF8.self)
        let schemaJSON = String(decoding: try encoder.encode(dataset.schema), as: UTF8.self)
        let privacyJSON = try spec.privacyPolicy.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let now = Date()
        try store.write { db in
            if try PodRow.exists(db, key: identifier.description) {
                guard replacing else { throw HubError.podExists(identifier) }
                try PodRow.deleteOne(db, key: identifier.description)
            }
            try PodRow(id: identifier.description, owner: spec.owner, name: spec.name, displayName: spec.displayName,
                       description: spec.description, dataPath: dataFile.path, dataConfig: configJSON,
                       schema: schemaJSON, rowCount: dataset.rowCount, minimumGroupSize: spec.minimumGroupSize,
                       createdAt: now, allowRowPredictions: spec.allowRowPredictions,
                       dataURL: download?.url.absoluteString, dataDigest: download?.digest,
                       privacyPolicy: privacyJSON).insert(db)
            for other in approved {
                try ApprovalRow(pod: identifier.description, approvedPod: other.description).insert(db)
            }
            try RoleGrantRow(pod: identifier.description, user: spec.owner, role: Role.superModeller.rawValue,
                             grantedBy: spec.owner, grantedAt: now).insert(db)
        }
        dropActor(for: identifier)
        if let download {
            downloads(DataDownloadNote(url: download.url.absoluteString,
                                       kind: .downloaded(file: download.file.path, byteCount: download.byteCount, digest: download.digest)))
        }
        dataset.notes.forEach(notes)
        return try describe(identifier)
    }

    /// Creates a pod from a YAML configuration file owned by `owner`.
    @discardableResult
    public func createPod(fromYAML url: URL, owner: LocalIdentity, replacing: Bool = false,
                          notes: (ColumnNote) -> Void = { _ in },
                          downloads: (DataDownloadNote) -> Void = { _ in }) throws -> PodDescription {
        try createPod(try PodConfigFile.read(url, owner: owner.name), replacing: replacing, notes: notes, downloads: downloads)
    }

    /// Removes `pod`, its grants and approvals; only its owner may. The
    /// audit log keeps its entries.
    public func removePod(_ pod: PodIdentifier, by owner: LocalIdentity) throws {
        try store.write { db in
            try Self.requireOwner(pod, owner, action: "remove it", db)
            try PodRow.deleteOne(db, key: pod.description)
        }
        dropActor(for: pod)
    }

    /// Grants `role` on `pod` to `user`; only the pod's owner may.
    public func grant(_ role: Role, to user: String, on pod: PodIdentifier, by owner: LocalIdentity) throws {
        try store.write { db in
            try Self.requireOwner(pod, owner, action: "grant roles on it", db)
            guard try UserRow.exists(db, key: user) else {
                let known = try String.fetchAll(db, sql: "SELECT name FROM user")
                throw HubError.unknownUser(user, suggestion: Suggestion.closest(to: user, among: known))
            }
            try RoleGrantRow(pod: pod.description, user: user, role: role.rawValue, grantedBy: owner.name,
                             grantedAt: Date()).insert(db, onConflict: .ignore)
        }
    }

    /// Revokes `role` on `pod` from `user`; only the pod's owner may, and
    /// the owner's own `super_modeller` stays.
    public func revoke(_ role: Role, from user: String, on pod: PodIdentifier, by owner: LocalIdentity) throws {
        try store.write { db in
            try Self.requireOwner(pod, owner, action: "revoke roles on it", db)
            if user == pod.owner && role == .superModeller { throw HubError.cannotRevokeOwner(pod: pod) }
            let deleted = try RoleGrantRow.deleteOne(db, key: ["pod": pod.description, "user": user, "role": role.rawValue])
            if !deleted { throw HubError.roleNotHeld(pod: pod, user: user, role: role) }
        }
    }

    /// Makes `pod` accept `other` as a partner in secure aggregation; only
    /// the owner of `pod` may. `other` need not exist yet.
    public func approve(_ other: PodIdentifier, on pod: PodIdentifier, by owner: LocalIdentity) throws {
        guard other != pod else { return }
        try store.write { db in
            try Self.requireOwner(pod, owner, action: "approve pods for it", db)
            try ApprovalRow(pod: pod.description, approvedPod: other.description).insert(db, onConflict: .ignore)
        }
    }

    /// Withdraws the approval of `other` from `pod`; only the owner may.
    public func unapprove(_ other: PodIdentifier, on pod: PodIdentifier, by owner: LocalIdentity) throws {
        try store.write { db in
            try Self.requireOwner(pod, owner, action: "withdraw its approvals", db)
            let deleted = try ApprovalRow.deleteOne(db, key: ["pod": pod.description, "approvedPod": other.description])
            if !deleted { throw HubError.notApproved(pod: pod, other: other) }
        }
    }

    /// Lets each test row's prediction scores leave `pod` (`allow_row_predictions`), or stops
    /// them; only the owner may.
    public func setRowPredictions(_ allowed: Bool, on pod: PodIdentifier, by owner: LocalIdentity) throws {
        try store.write { db in
            try Self.requireOwner(pod, owner, action: "change its settings", db)
            try db.execute(sql: "UPDATE pod SET allowRowPredictions = ? WHERE id = ?", arguments: [allowed, pod.description])
        }
    }

    /// Sets `pod`'s limits on differentially private training (nil: none); only the owner
    /// may. What tasks have spent stays spent.
    public func setPrivacyPolicy(_ policy: PodPrivacyPolicy?, on pod: PodIdentifier, by owner: LocalIdentity) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try policy.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try store.write { db in
            try Self.requireOwner(pod, owner, action: "change its settings", db)
            try db.execute(sql: "UPDATE pod SET privacyPolicy = ? WHERE id = ?", arguments: [json, pod.description])
        }
    }

    /// `pod`'s limits on differentially private training (nil: none) and the ε its tasks have
    /// spent in all, what running tasks have reserved counted in; only the owner may see them.
    public func privacyLimits(of pod: PodIdentifier, by owner: LocalIdentity) throws -> (policy: PodPrivacyPolicy?, spent: Double) {
        let policy = try store.read { db in
            try Self.requireOwner(pod, owner, action: "see its privacy limits", db)
            return try PodRow.fetchOne(db, key: pod.description)?.privacyPolicy
        }.flatMap { try PodPrivacyPolicy.stored($0, pod: pod) }
        let budget = try store.privacyBudget(pod: pod, modeller: owner.name, policy: policy ?? PodPrivacyPolicy(delta: 1))
        return (policy, budget.spentByAll)
    }

    /// The public details of `pod`.
    public func describe(_ pod: PodIdentifier) throws -> PodDescription {
        guard let row = try store.podRow(pod) else { throw HubError.noSuchPod(pod.description, suggestion: nil) }
        return try Pod.description(of: row, store: store)
    }

    private static func requireOwner(_ pod: PodIdentifier, _ user: LocalIdentity, action: String, _ db: Database) throws {
        guard try PodRow.exists(db, key: pod.description) else {
            throw HubError.noSuchPod(pod.description, suggestion: nil)
        }
        guard pod.owner == user.name else { throw HubError.notOwner(pod: pod, user: user.name, action: action) }
    }
}
