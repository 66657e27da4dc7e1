import Foundation

/// The modeller's side of the federation: lists pods, fetches and combines
/// schemas, checks access. Every question goes to the pods through
/// `PodConnection`, signed with the modeller's identity; the pods answer.
///
/// These are the operations behind the built-ins `pods`, `get_pod_schema`,
/// `combine_pod_schemas`, `check_access` and `whoami`.
public struct Modeller: Sendable {
    /// The hub the pods are registered in.
    public let hub: Hub
    /// Who is asking.
    public let identity: LocalIdentity

    /// A modeller acting as `identity`.
    public init(hub: Hub, identity: LocalIdentity) {
        self.hub = hub
        self.identity = identity
    }

    /// Who the modeller is, and what they hold.
    public func whoami() throws -> WhoAmI {
        let listings = try hub.podDescriptions().compactMap { description -> WhoAmI.PodRoles? in
            let roles = try hub.roles(of: identity.name, on: description.identifier)
            return roles.isEmpty ? nil : WhoAmI.PodRoles(pod: description.identifier, roles: roles)
        }
        return WhoAmI(name: identity.name, fingerprint: identity.fingerprint, home: hub.home.path, roles: listings)
    }

    /// The pods the modeller can see, with the modeller's roles on each.
    /// The pods of this hub come first, then those of the federation file.
    public func pods() async throws -> [PodListing] {
        var listings: [PodListing] = []
        for description in try hub.podDescriptions() {
            let connection = try hub.localConnection(to: description.identifier, as: identity.name)
            let details = try await connection.describe()
            listings.append(PodListing(pod: details, roles: try hub.roles(of: identity.name, on: details.identifier)))
        }
        for connection in try await hub.federationConnections(as: identity)
        where !listings.contains(where: { $0.pod.identifier == connection.identifier }) {
            listings.append(PodListing(pod: try await connection.describe(), roles: try await connection.roles(of: identity.name)))
        }
        return listings
    }

    /// The public details of `pod`, from the pod.
    public func describe(_ pod: PodIdentifier) async throws -> PodDescription {
        try await hub.connection(to: pod, as: identity).describe()
    }

    /// The roles the modeller holds on `pod`, as the pod knows them.
    public func roles(on pod: PodIdentifier) async throws -> [Role] {
        try await hub.connection(to: pod, as: identity).roles(of: identity.name)
    }

    /// The schema of one pod (`get_pod_schema`); the pod must allow the
    /// modeller to see it.
    public func schema(of pod: String) async throws -> PodSchema {
        try await schemas(of: [pod])[0]
    }

    /// The schemas of several pods, fetched in parallel; every refusal is
    /// reported together.
    public func schemas(of pods: [String]) async throws -> [PodSchema] {
        let identifiers = try await resolve(pods)
        let request = try TaskRequest.signed(kind: .schema, pods: identifiers, by: identity)
        let connections = try identifiers.map { try hub.connection(to: $0, as: identity) }
        let answers = try await withThrowingTaskGroup(of: (Int, SchemaResponse).self) { group in
            for (index, connection) in connections.enumerated() {
                group.addTask { (index, try await connection.schema(request)) }
            }
            var answers = [SchemaResponse?](repeating: nil, count: connections.count)
            for try await (index, answer) in group { answers[index] = answer }
            return answers
        }
        var schemas: [PodSchema] = []
        var refusals: [AccessDenied.Refusal] = []
        for (pod, answer) in zip(identifiers, answers) {
            switch answer {
            case let .schema(schema)?: schemas.append(PodSchema(pod: pod, schema: schema))
            case let .rejected(rejection)?: refusals.append(.init(pod: pod, rejection: rejection))
            case nil: break
            }
        }
        guard refusals.isEmpty else { throw AccessDenied(task: .schema, refusals: refusals, pods: identifiers) }
        return schemas
    }

    /// Fetches the pods' schemas, verifies them for `dataStructure` and
    /// combines them (`combine_pod_schemas`).
    public func combineSchemas(_ pods: [String], dataStructure: DataStructure? = nil) async throws -> CombinedSchema {
        let schemas = try await schemas(of: pods)
        let structure = try await resolvingTableKeys(of: dataStructure, for: schemas.map(\.pod))
        return try SchemaVerifier.combine(schemas, dataStructure: structure)
    }

    /// `structure` with its per-pod table map keyed by `owner/name`, whichever spelling of a
    /// pod each key used (name, `owner/name`, `bf://` address, `federation.yaml` alias).
    public func resolvingTableKeys(of structure: DataStructure?, for pods: [PodIdentifier]) async throws -> DataStructure? {
        try await structure?.resolvingTableKeys(for: pods) { key in try await hub.resolve(key, as: identity) }
    }

    /// Asks each pod whether it would take part in a task of `kind`
    /// (`check_access`); the answers are recorded in the pods' audit logs.
    public func checkAccess(_ pods: [String], task kind: TaskKind, secureAggregation: Bool = false) async throws -> AccessReport {
        let identifiers = try await resolve(pods)
        let request = try TaskRequest.signed(kind: kind, pods: identifiers, secureAggregation: secureAggregation, by: identity)
        return try await ask(request)
    }

    /// Sends `request` to each of its pods in parallel and collects the answers in order.
    public func ask(_ request: TaskRequest) async throws -> AccessReport {
        let connections = try request.pods.map { try hub.connection(to: $0, as: identity) }
        let responses = try await withThrowingTaskGroup(of: (Int, TaskResponse).self) { group in
            for (index, connection) in connections.enumerated() {
                group.addTask { (index, try await connection.request(request)) }
            }
            var responses = [TaskResponse?](repeating: nil, count: connections.count)
            for try await (index, response) in group { responses[index] = response }
            return responses.compactMap { $0 }
        }
        return AccessReport(task: request.kind, secureAggregation: request.secureAggregation, responses: responses)
    }

    /// Resolves pod names and addresses, each pod once, in the order given.
    func resolve(_ pods: [String]) async throws -> [PodIdentifier] {
        var identifiers: [PodIdentifier] = []
        for text in pods {
            let pod = try await hub.resolve(text, as: identity)
            if !identifiers.contains(pod) { identifiers.append(pod) }
        }
        return identifiers
    }
}
