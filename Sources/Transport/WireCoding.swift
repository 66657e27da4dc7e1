import Federation
import Foundation
import Learning

/// Conversions between bf's messages and the pod service's protobuf messages.
///
/// Decoding never trusts the other end: a missing field, a bad identifier or a chunk count
/// that does not add up throws `WireError`, naming the field.
enum Wire {
    /// The most bytes of parameters or update one stream message carries.
    static let chunkLimit = 1 << 20

    // MARK: JSON-carried domain values

    static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, field: String) throws(WireError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .malformed(field: field, reason: "\(error)")
        }
    }

    static func uuid(_ text: String, field: String) throws(WireError) -> UUID {
        guard let uuid = UUID(uuidString: text) else { throw .malformed(field: field, reason: "'\(text)' is not a UUID") }
        return uuid
    }

    static func pod(_ text: String, field: String) throws(WireError) -> PodIdentifier {
        do {
            return try PodIdentifier(parsing: text)
        } catch {
            throw .malformed(field: field, reason: error.message)
        }
    }

    static func part(_ text: String) throws(WireError) -> DataPart {
        guard let part = DataPart(rawValue: text) else { throw .malformed(field: "part", reason: "'\(text)' is not train, validation or test") }
        return part
    }

    // MARK: Numbers as little-endian bytes

    /// `bytes` in chunks of at most `chunkLimit` bytes.
    static func chunks(_ bytes: Data) -> [Data] {
        stride(from: 0, to: bytes.count, by: chunkLimit).map { bytes.subdata(in: $0..<min($0 + chunkLimit, bytes.count)) }
    }

    /// Float32 values as little-endian bytes, in chunks of at most `chunkLimit` bytes.
    static func chunks(_ values: [Float]) -> [Data] {
        chunks(littleEndian(values))
    }

    /// Float32 values as little-endian bytes.
    static func littleEndian(_ values: [Float]) -> Data {
        values.map(\.bitPattern.littleEndian).withUnsafeBufferPointer { Data(buffer: $0) }
    }

    /// A stream's header (its first message) and the bytes of the chunks after it.
    static func headerAndBytes<Part, Header>(_ parts: [Part], header: (Part) -> Header?, chunk: (Part) -> Data?,
                                             stream: String) throws(WireError) -> (Header, Data) {
        guard let first = parts.first, let found = header(first) else {
            throw .malformed(field: "header", reason: "the \(stream) does not start with its header")
        }
        var bytes = Data()
        for part in parts.dropFirst() {
            guard let data = chunk(part) else { throw .malformed(field: "parameter_chunk", reason: "a second header in the \(stream)") }
            bytes.append(data)
        }
        return (found, bytes)
    }

    /// Float32 values from concatenated little-endian bytes.
    static func floats(_ bytes: Data, count: Int, field: String) throws(WireError) -> [Float] {
        // `count` comes from the other end: compared by division, a huge one cannot overflow.
        guard count >= 0, bytes.count % 4 == 0, bytes.count / 4 == count else {
            throw .malformed(field: field, reason: "\(bytes.count) bytes arrived for \(count) float32 values")
        }
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    // MARK: Parameters

    static func layout(_ parameters: ParameterSet) -> Bf_Pod_V1_ParameterLayout {
        .with {
            $0.tensors = parameters.tensors.map { tensor in .with { $0.name = tensor.name; $0.shape = tensor.shape.map(Int64.init) } }
            $0.valueCount = Int64(parameters.elementCount)
        }
    }

    static func parameters(_ layout: Bf_Pod_V1_ParameterLayout, bytes: Data) throws(WireError) -> ParameterSet {
        let tensors = layout.tensors.map { ParameterSet.Tensor(name: $0.name, shape: $0.shape.map { Int($0) }) }
        let values = try floats(bytes, count: Int(layout.valueCount), field: "parameters")
        do {
            return try ParameterSet(tensors: tensors, values: values)
        } catch {
            throw .malformed(field: "parameters", reason: error.description)
        }
    }

    // MARK: Requests and answers

    static func message(_ description: PodDescription) -> Bf_Pod_V1_PodDescription {
        .with {
            $0.identifier = description.identifier.description
            $0.displayName = description.displayName
            $0.description_p = description.description
            $0.rowCount = Int64(description.rowCount)
            $0.approvedPods = description.approvedPods.map(\.description)
            $0.minimumGroupSize = Int64(description.minimumGroupSize)
        }
    }

    static func description(_ message: Bf_Pod_V1_PodDescription) throws(WireError) -> PodDescription {
        var approved: [PodIdentifier] = []
        for text in message.approvedPods { approved.append(try pod(text, field: "approved_pods")) }
        return PodDescription(identifier: try pod(message.identifier, field: "identifier"), displayName: message.displayName,
                              description: message.description_p, rowCount: Int(message.rowCount),
                              approvedPods: approved, minimumGroupSize: Int(message.minimumGroupSize))
    }

    static func message(_ request: TaskRequest) -> Bf_Pod_V1_TaskRequest {
        .with {
            $0.id = request.id.uuidString
            $0.modeller = request.modeller
            $0.kind = request.kind.rawValue
            $0.pods = request.pods.map(\.description)
            $0.secureAggregation = request.secureAggregation
            $0.detail = request.detail
            $0.timestamp = request.timestamp
            $0.nonce = request.nonce
            $0.signature = request.signature
        }
    }

    static func request(_ message: Bf_Pod_V1_TaskRequest) throws(WireError) -> TaskRequest {
        guard let kind = TaskKind(rawValue: message.kind) else { throw .malformed(field: "kind", reason: "'\(message.kind)' is not a task kind") }
        var pods: [PodIdentifier] = []
        for text in message.pods { pods.append(try pod(text, field: "pods")) }
        return TaskRequest(id: try uuid(message.id, field: "id"), modeller: message.modeller, kind: kind, pods: pods,
                           secureAggregation: message.secureAggregation, detail: message.detail,
                           timestamp: message.timestamp, nonce: message.nonce, signature: message.signature)
    }

    static func message(_ response: TaskResponse) throws -> Bf_Pod_V1_TaskResponse {
        var message = Bf_Pod_V1_TaskResponse()
        message.pod = response.pod.description
        message.requestID = response.requestID.uuidString
        message.accepted = response.isAccepted
        if let rejection = response.rejection { message.rejectionJson = try json(rejection) }
        if let budget = response.privacyBudget { message.privacyBudgetJson = try json(budget) }
        return message
    }

    static func response(_ message: Bf_Pod_V1_TaskResponse) throws(WireError) -> TaskResponse {
        let outcome: TaskResponse.Outcome = message.accepted
            ? .accepted : .rejected(try decode(TaskRejection.self, message.rejectionJson, field: "rejection_json"))
        // Empty from a pod that keeps no privacy budget.
        let budget = message.privacyBudgetJson.isEmpty
            ? nil : try decode(PrivacyBudget.self, message.privacyBudgetJson, field: "privacy_budget_json")
        return TaskResponse(pod: try pod(message.pod, field: "pod"), requestID: try uuid(message.requestID, field: "request_id"),
                            outcome: outcome, privacyBudget: budget)
    }

    static func message(_ response: SchemaResponse) throws -> Bf_Pod_V1_SchemaResponse {
        var message = Bf_Pod_V1_SchemaResponse()
        switch response {
        case let .schema(schema): message.schemaJson = try json(schema)
        case let .rejected(rejection): message.rejectionJson = try json(rejection)
        }
        return message
    }

    static func schemaResponse(_ message: Bf_Pod_V1_SchemaResponse) throws(WireError) -> SchemaResponse {
        switch message.outcome {
        case let .schemaJson(data)?: return .schema(try decode(TableSchema.self, data, field: "schema_json"))
        case let .rejectionJson(data)?: return .rejected(try decode(TaskRejection.self, data, field: "rejection_json"))
        case nil: throw .malformed(field: "outcome", reason: "neither a schema nor a rejection")
        }
    }

    static func message(_ task: ModelTaskRequest) -> Bf_Pod_V1_ModelTaskRequest {
        .with {
            $0.request = message(task.request)
            $0.specificationJson = task.specification.canonicalJSON
        }
    }

    static func modelTask(_ message: Bf_Pod_V1_ModelTaskRequest) throws(WireError) -> ModelTaskRequest {
        ModelTaskRequest(request: try request(message.request),
                         specification: try decode(ModelSpecification.self, message.specificationJson, field: "specification_json"))
    }

    static func message(_ share: SignedKeyShare) throws -> Bf_Pod_V1_SignedKeyShare {
        let context = try json(share.context)
        return .with {
            $0.pod = share.pod
            $0.contextJson = context
            $0.publicKey = share.publicKey
            $0.signature = share.signature
        }
    }

    static func keyShare(_ message: Bf_Pod_V1_SignedKeyShare) throws(WireError) -> SignedKeyShare {
        SignedKeyShare(pod: message.pod, context: try decode(SecureAggregationContext.self, message.contextJson, field: "context_json"),
                       publicKey: message.publicKey, signature: message.signature)
    }

    static func message(_ setup: SecureRoundSetup) throws -> Bf_Pod_V1_SecureRoundSetup {
        let context = try json(setup.context)
        return .with {
            $0.task = setup.task.uuidString
            $0.contextJson = context
        }
    }

    static func setup(_ message: Bf_Pod_V1_SecureRoundSetup) throws(WireError) -> SecureRoundSetup {
        SecureRoundSetup(task: try uuid(message.task, field: "task"),
                         context: try decode(SecureAggregationContext.self, message.contextJson, field: "context_json"))
    }

    static func message(_ request: SecAggPlusStepRequest) throws -> Bf_Pod_V1_SecureAggregationStepRequest {
        let settings = try json(request.settings)
        let step = try json(request.step)
        return .with {
            $0.task = request.task.uuidString
            $0.settingsJson = settings
            $0.stepJson = step
        }
    }

    static func step(_ message: Bf_Pod_V1_SecureAggregationStepRequest) throws(WireError) -> SecAggPlusStepRequest {
        SecAggPlusStepRequest(task: try uuid(message.task, field: "task"),
                              settings: try decode(SecAggPlusSettings.self, message.settingsJson, field: "settings_json"),
                              step: try decode(SecAggPlusStepRequest.Step.self, message.stepJson, field: "step_json"))
    }

    static func message(_ answer: SecAggPlusStepAnswer) throws -> Bf_Pod_V1_SecureAggregationStepAnswer {
        let answer = try json(answer)
        return .with { $0.answerJson = answer }
    }

    static func stepAnswer(_ message: Bf_Pod_V1_SecureAggregationStepAnswer) throws(WireError) -> SecAggPlusStepAnswer {
        try decode(SecAggPlusStepAnswer.self, message.answerJson, field: "answer_json")
    }

    static func message(_ report: EvaluationReport) throws -> Bf_Pod_V1_EvaluationReport {
        let metrics = try json(report.metrics)
        return .with {
            $0.pod = report.pod.description
            $0.part = report.part.rawValue
            $0.metricsJson = metrics
        }
    }

    static func report(_ message: Bf_Pod_V1_EvaluationReport) throws(WireError) -> EvaluationReport {
        EvaluationReport(pod: try pod(message.pod, field: "pod"), part: try part(message.part),
                         metrics: try decode(ClassificationMetrics.self, message.metricsJson, field: "metrics_json"))
    }

    static func message(_ summary: PredictionSummary) -> Bf_Pod_V1_PredictionSummary {
        .with {
            $0.pod = summary.pod.description
            $0.part = summary.part.rawValue
            $0.rowCount = Int64(summary.rowCount)
            $0.predictedCounts = summary.predictedCounts.map(Int64.init)
            $0.meanProbabilities = summary.meanProbabilities
            if let rows = summary.rows {
                $0.rowScoresSent = true
                $0.testRows = rows.testRows.map(Int64.init)
                $0.rowProbabilities = littleEndian(rows.probabilities)
            }
        }
    }

    static func summary(_ message: Bf_Pod_V1_PredictionSummary) throws(WireError) -> PredictionSummary {
        let classes = message.predictedCounts.count
        var rows: RowScores?
        if message.rowScoresSent {
            let count = message.testRows.count * classes
            rows = RowScores(testRows: message.testRows.map { Int($0) },
                             probabilities: try floats(message.rowProbabilities, count: count, field: "row_probabilities"))
        }
        return PredictionSummary(pod: try pod(message.pod, field: "pod"), part: try part(message.part), rowCount: Int(message.rowCount),
                                 predictedCounts: message.predictedCounts.map { Int($0) }, meanProbabilities: message.meanProbabilities,
                                 rows: rows)
    }

    static func message(_ query: QueryRequest) -> Bf_Pod_V1_QueryRequest {
        .with {
            $0.request = message(query.request)
            $0.sql = query.sql
        }
    }

    static func query(_ message: Bf_Pod_V1_QueryRequest) throws(WireError) -> QueryRequest {
        QueryRequest(request: try request(message.request), sql: message.sql)
    }

    static func queryResponse(_ message: Bf_Pod_V1_QueryResponse) throws(WireError) -> QueryResponse {
        try decode(QueryResponse.self, message.responseJson, field: "response_json")
    }

    // MARK: Streams

    /// A model request (evaluation or prediction) as a header and parameter chunks.
    static func parts(task: UUID, part: DataPart, parameters: ParameterSet) -> [Bf_Pod_V1_ModelRequestPart] {
        let header = Bf_Pod_V1_ModelRequestPart.with {
            $0.header = .with {
                $0.task = task.uuidString
                $0.part = part.rawValue
                $0.parameters = layout(parameters)
            }
        }
        return [header] + chunks(parameters.values).map { chunk in .with { $0.parameterChunk = chunk } }
    }

    /// The header and parameters of a model request's parts.
    static func modelRequest(_ parts: [Bf_Pod_V1_ModelRequestPart]) throws(WireError) -> (task: UUID, part: DataPart, parameters: ParameterSet) {
        let (header, bytes) = try headerAndBytes(parts, header: { part -> Bf_Pod_V1_ModelRequestHeader? in
            if case let .header(header)? = part.part { return header } else { return nil }
        }, chunk: { part -> Data? in
            if case let .parameterChunk(chunk)? = part.part { return chunk } else { return nil }
        }, stream: "request")
        return (try uuid(header.task, field: "task"), try part(header.part), try parameters(header.parameters, bytes: bytes))
    }

    /// A round request as a header and parameter chunks.
    static func parts(_ round: RoundRequest) throws -> [Bf_Pod_V1_RoundRequestPart] {
        var header = Bf_Pod_V1_RoundHeader()
        header.task = round.task.uuidString
        header.round = Int64(round.round)
        header.parameters = layout(round.parameters)
        if let epochs = round.epochs { header.epochs = Int64(epochs) }
        if let steps = round.steps { header.steps = Int64(steps) }
        if let mu = round.proximalMu { header.proximalMu = mu }
        switch round.aggregation {
        case .plain:
            break
        case let .secure(context, keyShares):
            let contextJSON = try json(context)
            let shares = try keyShares.map { try message($0) }
            header.secure = .with {
                $0.contextJson = contextJSON
                $0.keyShares = shares
            }
        case let .dropoutTolerant(settings, shares):
            let settingsJSON = try json(settings)
            let sharesJSON = try json(shares)
            header.dropoutTolerant = .with {
                $0.settingsJson = settingsJSON
                $0.sharesJson = sharesJSON
            }
        }
        return [.with { $0.header = header }] + chunks(round.parameters.values).map { chunk in .with { $0.parameterChunk = chunk } }
    }

    /// The round request a round's parts carry.
    static func round(_ parts: [Bf_Pod_V1_RoundRequestPart]) throws(WireError) -> RoundRequest {
        let (header, bytes) = try headerAndBytes(parts, header: { part -> Bf_Pod_V1_RoundHeader? in
            if case let .header(header)? = part.part { return header } else { return nil }
        }, chunk: { part -> Data? in
            if case let .parameterChunk(chunk)? = part.part { return chunk } else { return nil }
        }, stream: "round")
        var aggregation = RoundAggregation.plain
        if header.hasSecure {
            var shares: [SignedKeyShare] = []
            for share in header.secure.keyShares { shares.append(try keyShare(share)) }
            aggregation = .secure(context: try decode(SecureAggregationContext.self, header.secure.contextJson, field: "context_json"),
                                  keyShares: shares)
        }
        if header.hasDropoutTolerant {
            guard !header.hasSecure else {
                throw WireError.malformed(field: "dropout_tolerant", reason: "a round is secure one way or the other, not both")
            }
            aggregation = .dropoutTolerant(
                settings: try decode(SecAggPlusSettings.self, header.dropoutTolerant.settingsJson, field: "settings_json"),
                shares: try decode([SecAggPlusEncryptedShares].self, header.dropoutTolerant.sharesJson, field: "shares_json"))
        }
        return RoundRequest(task: try uuid(header.task, field: "task"), round: Int(header.round),
                            parameters: try parameters(header.parameters, bytes: bytes),
                            epochs: header.hasEpochs ? Int(header.epochs) : nil, steps: header.hasSteps ? Int(header.steps) : nil,
                            proximalMu: header.hasProximalMu ? header.proximalMu : nil, aggregation: aggregation)
    }

    /// A pod's round event as stream messages: one for progress, a header and chunks for the update.
    static func parts(_ event: RoundEvent) throws -> [Bf_Pod_V1_RoundEventPart] {
        switch event {
        case let .progress(progress):
            return [.with {
                $0.progress = .with {
                    $0.batch = Int64(progress.batch)
                    $0.batches = Int64(progress.batches)
                    $0.loss = progress.loss
                }
            }]
        case let .finished(update):
            var header = Bf_Pod_V1_UpdateHeader()
            header.pod = update.pod.description
            header.round = Int64(update.round)
            header.sampleCount = Int64(update.sampleCount)
            header.steps = Int64(update.steps)
            header.trainingLoss = update.trainingLoss
            header.validationJson = try json(update.validation)
            header.standardisationJson = try json(update.standardisation)
            if let privacy = update.privacy { header.privacyJson = try json(privacy) }
            let chunks: [Data]
            switch update.contribution {
            case let .plain(delta):
                header.plainValueCount = Int64(delta.count)
                chunks = Self.chunks(delta)
            case let .masked(masked):
                let (digest, bytes) = masked.wireForm
                header.masked = .with {
                    $0.pod = masked.pod
                    $0.contextDigest = digest
                    $0.elementCount = Int64(masked.elementCount)
                }
                chunks = Self.chunks(bytes)
            }
            return [.with { $0.update = header }] + chunks.map { chunk in .with { $0.updateChunk = chunk } }
        }
    }

    /// Reads a round's answer as it arrives: progress after every batch, then the update's
    /// header and its chunks.
    struct RoundEventReader {
        private var header: Bf_Pod_V1_UpdateHeader?
        private var bytes = Data()

        /// Takes one message of the answer; returns the progress it reports, if any.
        mutating func read(_ message: Bf_Pod_V1_RoundEventPart) -> PodProgress? {
            switch message.part {
            case let .progress(progress)?:
                return PodProgress(batch: Int(progress.batch), batches: Int(progress.batches), loss: progress.loss)
            case let .update(update)?:
                header = update
            case let .updateChunk(chunk)?:
                bytes.append(chunk)
            case nil:
                break
            }
            return nil
        }

        /// The update the answer ended with, or nil when it sent none.
        func update() throws(WireError) -> RoundUpdate? {
            guard let header else { return nil }
            return try Wire.update(header, bytes: bytes)
        }
    }

    /// The update a header and its chunks carry.
    static func update(_ header: Bf_Pod_V1_UpdateHeader, bytes: Data) throws(WireError) -> RoundUpdate {
        let contribution: RoundUpdate.Contribution
        switch header.contribution {
        case let .plainValueCount(count)?:
            contribution = .plain(delta: try floats(bytes, count: Int(count), field: "update"))
        case let .masked(masked)?:
            guard masked.elementCount >= 0, bytes.count % 8 == 0, bytes.count / 8 == masked.elementCount else {
                throw .malformed(field: "update", reason: "\(bytes.count) bytes arrived for \(masked.elementCount) masked elements")
            }
            do {
                contribution = .masked(try MaskedUpdate(pod: masked.pod, contextDigest: masked.contextDigest, elementBytes: bytes))
            } catch {
                throw .malformed(field: "update", reason: "\(error)")
            }
        case nil:
            throw .malformed(field: "contribution", reason: "the update is neither plain nor masked")
        }
        // Empty from a pod that sent no statistics (a model without continuous inputs).
        var standardisation: [ColumnStandardisation] = []
        if !header.standardisationJson.isEmpty {
            standardisation = try decode([ColumnStandardisation].self, header.standardisationJson, field: "standardisation_json")
        }
        // Empty when the task is not differentially private.
        let privacy = header.privacyJson.isEmpty ? nil : try decode(PrivacySpentReport.self, header.privacyJson, field: "privacy_json")
        return RoundUpdate(pod: try pod(header.pod, field: "pod"), round: Int(header.round), contribution: contribution,
                           sampleCount: Int(header.sampleCount), steps: Int(header.steps), trainingLoss: header.trainingLoss,
                           validation: try decode(ClassificationMetrics.self, header.validationJson, field: "validation_json"),
                           standardisation: standardisation, privacy: privacy)
    }
}

/// A message from the other end that cannot be decoded; names the field.
struct WireError: Error, Sendable, CustomStringConvertible {
    let field: String
    let reason: String

    static func malformed(field: String, reason: String) -> WireError {
        WireError(field: field, reason: reason)
    }

    var description: String { "malformed message: field '\(field)': \(reason)" }
}
