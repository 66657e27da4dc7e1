import Diagnostics
import Files
import Foundation
import GRDB
import Synchronization

/// The embedded hub: the bf home, its store, and the pods registered in it.
///
/// Design note. bf mirrors Bitfount's three-step multi-pod workflow:
/// confirm permissions, verify data structures, run the task. Pods decide
/// for themselves (`Pod` judges every request against the roles and
/// approvals in this store); the modeller (`Modeller`) only asks, through
/// `PodConnection`, so the in-process pods used here can later be replaced
/// by pods reached over gRPC without changing the protocol. The store
/// (`<home>/hub.sqlite`) is the single record of users, pods, grants,
/// approvals, task runs and the audit log; every operation is one
/// transaction, so a failing one (a bad CSV, a bad YAML file) leaves it
/// unchanged and a killed process leaves it usable.
///
/// Federation never prints: operations return values or throw errors that
/// conform to `FederationError`.
public final class Hub: Sendable {
    /// The bf home directory (`BF_HOME`, by default `~/.bf`).
    public let home: URL
    let store: HubStore
    private let pods = Mutex<[PodIdentifier: Pod]>([:])
    /// Reaches pods served over the network; nil where only embedded pods are used.
    let dialer: (any PodDialer)?
    /// Connections to remote pods, made once per pod and acting user.
    let remoteConnections = Mutex(RemoteConnections())

    /// The default home: `~/.bf`.
    public static var defaultHome: URL {
        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".bf")
    }

    /// The home `environment` names (`BF_HOME`), else `defaultHome`.
    public static func home(in environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        guard let path = environment["BF_HOME"], !path.isEmpty else { return defaultHome }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The user `environment` names (`BF_USER`), if any.
    public static func user(in environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        environment["BF_USER"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Opens the hub in `home`, creating the directory (mode 0700) and the
    /// store when needed; `dialer` reaches the pods of the federation file and
    /// `bf://` addresses.
    public init(home: URL, dialer: (any PodDialer)? = nil) throws {
        do {
            try PrivateFiles.createFolder(home)
        } catch {
            throw HubError.cannotCreateHome(path: home.path, reason: FileError.reason(of: error, path: home.path, action: .write))
        }
        self.home = home
        self.dialer = dialer
        // SQLite gives the -wal and -shm files the database file's mode: made 0600 first,
        // all three are the user's alone.
        let database = home.appendingPathComponent("hub.sqlite").path
        try PrivateFiles.prepareFile(database)
        for companion in ["-wal", "-shm"] { PrivateFiles.restrict(database + companion) }
        store = try HubStore(path: database)
    }

    /// The local user `name` (or the default user), with their key created
    /// and registered on first use.
    public func identity(named name: String? = nil) throws -> LocalIdentity {
        let identity = try LocalIdentity.loadOrCreate(name: name ?? LocalIdentity.defaultUserName(), home: home)
        try store.registerUser(name: identity.name, publicKey: identity.publicKey,
                               keyPath: LocalIdentity.keyFile(for: identity.name, home: home).path)
        return identity
    }

    /// Every user the hub knows, sorted.
    public func users() throws -> [String] {
        try store.userNames()
    }

    /// The pod `text` names: `owner/name`, or a bare name that exactly one
    /// owner uses.
    public func resolvePod(_ text: String) throws -> PodIdentifier {
        let rows = try store.podRows()
        if text.contains("/") {
            let pod = try PodIdentifier(parsing: text)
            guard rows.contains(where: { $0.id == pod.description }) else {
                throw HubError.noSuchPod(text, suggestion: Suggestion.closest(to: text, among: rows.map(\.id)))
            }
            return pod
        }
        let matches = rows.filter { $0.name == text }.compactMap { try? PodIdentifier(parsing: $0.id) }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw HubError.noSuchPod(text, suggestion: Suggestion.closest(to: text, among: Set(rows.map(\.name))))
        default: throw HubError.ambiguousPod(text, candidates: matches.sorted())
        }
    }

    /// A connection to this hub's pod `pod`, on behalf of `caller`.
    public func localConnection(to pod: PodIdentifier, as caller: String) throws -> LocalPodConnection {
        guard try store.podRow(pod) != nil else { throw HubError.noSuchPod(pod.description, suggestion: nil) }
        return LocalPodConnection(pod: actor(for: pod), caller: caller)
    }

    /// Every pod's public details, by identifier.
    public func podDescriptions() throws -> [PodDescription] {
        try store.podRows().map { try Pod.description(of: $0, store: store) }
    }

    /// The roles `user` holds on `pod`.
    public func roles(of user: String, on pod: PodIdentifier) throws -> [Role] {
        try store.roles(of: user, on: pod)
    }

    /// Every grant on `pod`.
    public func grants(on pod: PodIdentifier) throws -> [(user: String, role: Role)] {
        try store.grants(on: pod)
    }

    /// The audit log, oldest first, of one pod or of all.
    public func auditLog(for pod: PodIdentifier? = nil) throws -> [AuditEntry] {
        try store.auditEntries(pod: pod)
    }

    /// Records the start of a task and returns its run number.
    public func startTaskRun(modeller: String, kind: TaskKind, pods: [PodIdentifier], secureAggregation: Bool,
                             detail: String = "") throws -> Int64 {
        try store.startTaskRun(modeller: modeller, kind: kind, pods: pods, secureAggregation: secureAggregation, detail: detail)
    }

    /// Records how task run `id` ended.
    public func finishTaskRun(_ id: Int64, status: TaskRun.Status, detail: String = "") throws {
        try store.finishTaskRun(id, status: status, detail: detail)
    }

    /// Every task run, oldest first.
    public func taskRuns() throws -> [TaskRun] {
        try store.taskRuns()
    }

    /// The in-process pod actor for `pod`, one per pod so its replay
    /// protection and cached data are shared by every connection.
    func actor(for pod: PodIdentifier) -> Pod {
        pods.withLock { pods in
            if let existing = pods[pod] { return existing }
            let created = Pod(identifier: pod, store: store)
            pods[pod] = created
            return created
        }
    }

    /// Forgets the actor of a removed or replaced pod.
    func dropActor(for pod: PodIdentifier) {
        _ = pods.withLock { $0.removeValue(forKey: pod) }
    }
}
