import Foundation

/// A pod: holds (lazily) its dataset and answers modellers' requests.
///
/// Governance lives here. For every request the pod checks, in order:
/// 1. identity: the modeller is a user the hub knows, the signature matches
///    their key, it was made within 5 minutes of the pod's clock, and the
///    nonce is new;
/// 2. the request lists this pod;
/// 3. the modeller's roles on this pod allow the task kind
///    (`RolePermissions`), with differential privacy where a role asks for it;
/// 4. for secure aggregation, every other pod of the task is approved;
/// 5. for differentially private training, the pod's privacy budget has room for it.
/// The first failing check is the answer; every answer goes to the audit log.
actor Pod {
    /// How far a request's timestamp may be from the pod's clock.
    static let allowedClockSkew: Int64 = 5 * 60 * 1000

    /// Whether `timestamp` (milliseconds, as signed by a modeller: any Int64) is within the
    /// allowed skew of `now`; compared without subtracting it, which could overflow.
    static func isWithinClockSkew(_ timestamp: Int64, of now: Int64) -> Bool {
        timestamp >= now - allowedClockSkew && timestamp <= now + allowedClockSkew
    }

    /// How long an open model task lasts without a call before the pod forgets it.
    static let taskIdleTimeout: TimeInterval = 60 * 60

    nonisolated let identifier: PodIdentifier
    let store: HubStore
    private let nonces = NonceLedger()
    private var cachedDataset: Dataset?
    /// The model tasks this pod has accepted and not yet closed, by task identifier.
    var tasks: [UUID: PodTask] = [:]
    /// The last encoding made, keyed by the columns it was made for, so that tasks on the
    /// same columns (training, then evaluating) encode the rows once.
    var lastEncoding: (columns: String, data: EncodedPodData)?

    init(identifier: PodIdentifier, store: HubStore) {
        self.identifier = identifier
        self.store = store
    }

    /// The pod's public details.
    func describe() throws -> PodDescription {
        try Self.description(of: record(), store: store)
    }

    /// Judges `request`, records the answer and returns it. A request sent
    /// to a call that serves only `expected` tasks is refused, and so is one
    /// whose signed detail is not `detail` when that is given (the model
    /// task's specification digest), and one asking for per-row scores
    /// (`rowScores`) when the pod's `allow_row_predictions` setting is off.
    /// A differentially private training (`privacy`) is allowed to a `dp_modeller` and
    /// reserves its ε in the pod's privacy budget, or is refused for want of it.
    func answer(_ request: TaskRequest, expecting expected: [TaskKind]? = nil, detail: String? = nil,
                rowScores: Bool = false, privacy: PrivacyRequest? = nil, now: Date = Date()) throws -> TaskResponse {
        let privateTraining = request.kind == .train ? privacy : nil
        var rejection = try judge(request, privateTraining: privateTraining != nil, now: now)
        if rejection == nil, let expected, let first = expected.first, !expected.contains(request.kind) {
            rejection = .wrongTaskKind(expected: first, found: request.kind)
        }
        if rejection == nil, let detail, request.detail != detail {
            rejection = .specificationMismatch
        }
        if rejection == nil, rowScores, !(try record().allowRowPredictions) {
            rejection = .rowPredictionsNotAllowed(owner: identifier.owner)
        }
        let policy = try privacyPolicy()
        var budget = try policy.map { try store.privacyBudget(pod: identifier, modeller: request.modeller, policy: $0, now: now) }
        if rejection == nil, let privateTraining {
            // A pod without limits still records what its tasks spend.
            let limits = policy ?? PodPrivacyPolicy(delta: 1)
            let delta = privateTraining.delta ?? policy?.delta ?? PrivacyRequest.defaultDelta
            let (shortfall, after) = try store.reservePrivacy(
                task: request.id, pod: identifier, modeller: request.modeller, epsilon: privateTraining.epsilon, delta: delta,
                policy: limits, now: now, heldUntil: now.addingTimeInterval(Self.taskIdleTimeout))
            if let shortfall { rejection = .privacyBudgetExceeded(shortfall, owner: identifier.owner) }
            if policy != nil { budget = after }
        }
        try store.appendAudit(pod: identifier, request: request, rejection: rejection, at: now)
        return TaskResponse(pod: identifier, requestID: request.id, outcome: rejection.map { .rejected($0) } ?? .accepted,
                            privacyBudget: budget)
    }

    /// The owner's privacy limits, or nil when the pod sets none.
    func privacyPolicy() throws -> PodPrivacyPolicy? {
        try PodPrivacyPolicy.stored(try record().privacyPolicy, pod: identifier)
    }

    /// The schema, when `request` (of kind `.schema`) is accepted.
    func schema(for request: TaskRequest) throws -> SchemaResponse {
        let response = try answer(request, expecting: [.schema])
        if let rejection = response.rejection { return .rejected(rejection) }
        return .schema(try Self.schema(of: record()))
    }

    /// The dataset, loaded from the pod's file on first use.
    func dataset() throws -> Dataset {
        if let cachedDataset { return cachedDataset }
        let row = try record()
        let config: DataConfig
        do {
            config = try JSONDecoder().decode(DataConfig.self, from: Data(row.dataConfig.utf8))
        } catch {
            throw HubError.corruptPodRecord(identifier.description, reason: "\(error)")
        }
        if let url = row.dataURL, let digest = row.dataDigest {
            try DataDownload.verify(URL(fileURLWithPath: row.dataPath), digest: digest, url: url, pod: identifier.description)
        }
        let dataset = try CSVSource.load(URL(fileURLWithPath: row.dataPath), table: identifier.name, config: config)
        cachedDataset = dataset
        return dataset
    }

    private func judge(_ request: TaskRequest, privateTraining: Bool, now: Date) throws -> TaskRejection? {
        guard let publicKey = try store.publicKey(of: request.modeller) else {
            return .identityNotVerified(.unknownUser)
        }
        guard LocalIdentity.isValidSignature(request.signature, of: request.signedBytes, publicKey: publicKey) else {
            return .identityNotVerified(.badSignature)
        }
        let nowMilliseconds = now.millisecondsSince1970
        guard Self.isWithinClockSkew(request.timestamp, of: nowMilliseconds) else {
            return .identityNotVerified(.stale)
        }
        guard try nonces.admit(request.nonce, timestamp: request.timestamp, now: nowMilliseconds) else {
            return .identityNotVerified(.replayed)
        }
        guard request.pods.contains(identifier) else { return .notInTask }

        let roles = try store.roles(of: request.modeller, on: identifier)
        guard !roles.isEmpty else { return .noPermissions(modeller: request.modeller, owner: identifier.owner) }
        let permissions = roles.map { RolePermissions.permission($0, for: request.kind) }
        let allowedWithPrivacy = privateTraining && permissions.contains(.onlyWithDifferentialPrivacy)
        if !permissions.contains(.allowed) && !allowedWithPrivacy {
            if permissions.contains(.onlyWithDifferentialPrivacy) {
                return .differentialPrivacyRequired(task: request.kind, owner: identifier.owner)
            }
            return .insufficientPermissions(task: request.kind, held: roles,
                                            needed: RolePermissions.rolesAllowing(request.kind).first ?? .superModeller,
                                            owner: identifier.owner)
        }

        if request.secureAggregation {
            let approved = Set(try store.approvedPods(of: identifier))
            let missing = request.pods.filter { $0 != identifier && !approved.contains($0) }
            if !missing.isEmpty { return .podsNotApproved(missing) }
        }
        return nil
    }

    private func record() throws -> PodRow {
        guard let row = try store.podRow(identifier) else {
            throw HubError.noSuchPod(identifier.description, suggestion: nil)
        }
        return row
    }

    /// The public details held in a pod row.
    static func description(of row: PodRow, store: HubStore) throws -> PodDescription {
        let identifier = try PodIdentifier(parsing: row.id)
        return PodDescription(identifier: identifier, displayName: row.displayName, description: row.description,
                              rowCount: row.rowCount, approvedPods: try store.approvedPods(of: identifier),
                              minimumGroupSize: row.minimumGroupSize)
    }

    /// The schema stored in a pod row.
    static func schema(of row: PodRow) throws -> TableSchema {
        do {
            return try JSONDecoder().decode(TableSchema.self, from: Data(row.schema.utf8))
        } catch {
            throw HubError.corruptPodRecord(row.id, reason: "\(error)")
        }
    }
}
