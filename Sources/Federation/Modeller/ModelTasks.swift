import Foundation
import Learning

/// The modeller's model tasks that take one exchange per pod: evaluating and predicting
/// with a model on the pods' rows, and the steps every model task shares (opening it at
/// every pod, running a call on every pod at once, closing it).
extension Modeller {
    /// A federated training of `specification` on `pods` (`model.fit(pod_identifiers=…)`);
    /// nothing is sent until it runs.
    public func training(on pods: [String], specification: ModelSpecification,
                         options: FederatedAveragingOptions = FederatedAveragingOptions()) async throws -> FederatedTraining {
        try FederatedTraining(modeller: self, connections: try await connections(to: pods), specification: specification, options: options)
    }

    /// Scores `model` on each pod's `part` rows (`model.evaluate(…)`): per-pod metrics and the
    /// metrics of all their rows pooled from counts. Pods that refuse stop the evaluation
    /// unless `requireAllPods` is false.
    public func evaluate(_ model: TrainedModel, on pods: [String], part: DataPart = .test,
                         requireAllPods: Bool = true) async throws -> EvaluationResults {
        try await evaluate(model, connections: try await connections(to: pods), part: part, requireAllPods: requireAllPods)
    }

    /// `evaluate(_:on:part:requireAllPods:)` over given connections.
    public func evaluate(_ model: TrainedModel, connections: [any PodConnection], part: DataPart = .test,
                         requireAllPods: Bool = true) async throws -> EvaluationResults {
        let (task, accepted) = try await openAccepted(.evaluate, model.specification, connections, requireAllPods: requireAllPods)
        do {
            let reports = try await Self.everyPod(accepted) { connection in
                try await connection.evaluate(EvaluationRequest(task: task, parameters: model.parameters, part: part))
            }
            await Self.close(task, at: accepted)
            let pooled = try ClassificationMetrics.pooled(reports.map(\.metrics), classCount: model.specification.classes.count)
            return EvaluationResults(part: part, pods: reports, pooled: pooled)
        } catch {
            await Self.close(task, at: accepted, after: error)
            throw Self.podError(error)
        }
    }

    /// Counts of `model`'s predictions on each pod's `part` rows (`model.predict(…)`) and,
    /// with `rowScores`, each test row's class probabilities, which a pod sends only when its
    /// `allow_row_predictions` setting allows it (otherwise it refuses the task). Predicting
    /// needs the `super_modeller` role.
    public func predict(_ model: TrainedModel, on pods: [String], part: DataPart = .test, rowScores: Bool = false,
                        requireAllPods: Bool = true) async throws -> PredictionResults {
        let connections = try await connections(to: pods)
        let (task, accepted) = try await openAccepted(.predict, model.specification, connections, rowScores: rowScores,
                                                      requireAllPods: requireAllPods)
        do {
            let summaries = try await Self.everyPod(accepted) { connection in
                try await connection.predict(PredictionRequest(task: task, parameters: model.parameters, part: part))
            }
            await Self.close(task, at: accepted)
            return PredictionResults(pods: summaries, classes: model.specification.classes)
        } catch {
            await Self.close(task, at: accepted, after: error)
            throw Self.podError(error)
        }
    }

    /// Connections to the pods `names` resolve to, each once, in the order given.
    func connections(to names: [String]) async throws -> [any PodConnection] {
        try await resolve(names).map { try hub.connection(to: $0, as: identity) }
    }

    /// Opens a model task of `kind` at every pod and returns the task and the pods that
    /// accepted, applying `requireAllPods` to the refusals.
    private func openAccepted(_ kind: TaskKind, _ specification: ModelSpecification, _ connections: [any PodConnection],
                              rowScores: Bool = false, requireAllPods: Bool) async throws -> (UUID, [any PodConnection]) {
        guard !connections.isEmpty else { throw TrainingError.noPods }
        let message = try ModelTaskRequest.signed(kind: kind, specification: specification, pods: connections.map(\.identifier),
                                                  secureAggregation: false, rowScores: rowScores, by: identity)
        let responses = try await Self.open(message, at: connections)
        let accepted = zip(connections, responses).filter { $0.1.isAccepted }.map(\.0)
        let refusals = responses.compactMap { response in response.rejection.map { AccessDenied.Refusal(pod: response.pod, rejection: $0) } }
        if accepted.isEmpty { throw TrainingError.noPodAccepted(refusals: refusals) }
        if requireAllPods && !refusals.isEmpty {
            await Self.close(message.task, at: accepted)
            throw AccessDenied(task: kind, refusals: refusals, pods: connections.map(\.identifier))
        }
        return (message.task, accepted)
    }

    /// Sends `message` to every pod at once; the answers in the connections' order. A pod
    /// that cannot be reached is an error naming it.
    static func open(_ message: ModelTaskRequest, at connections: [any PodConnection]) async throws -> [TaskResponse] {
        try await everyPod(connections) { connection in try await connection.openTask(message) }
    }

    /// Runs `body` on every pod at once and returns the results in the connections' order.
    /// The first pod to fail fails the whole, as a `PodCallFailure` naming it; the other
    /// calls are cancelled.
    static func everyPod<T: Sendable>(_ connections: [any PodConnection],
                                      _ body: @escaping @Sendable (any PodConnection) async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            for (index, connection) in connections.enumerated() {
                group.addTask {
                    do {
                        return (index, try await body(connection))
                    } catch {
                        if !(error is PodCallFailure), error is CancellationError || Task.isCancelled { throw CancellationError() }
                        throw PodCallFailure(error, at: connection.identifier)
                    }
                }
            }
            var results = [T?](repeating: nil, count: connections.count)
            for try await (index, value) in group { results[index] = value }
            return results.compactMap { $0 }
        }
    }

    /// Runs `body` on every pod at once and returns each pod's result or failure, in the
    /// connections' order: one pod failing does not stop the others. Only cancellation throws.
    static func eachPod<T: Sendable>(
        _ connections: [any PodConnection], _ body: @escaping @Sendable (any PodConnection) async throws -> T
    ) async throws -> [Result<T, PodCallFailure>] {
        let results = await withTaskGroup(of: (Int, Result<T, PodCallFailure>).self) { group in
            for (index, connection) in connections.enumerated() {
                group.addTask {
                    do {
                        return (index, .success(try await body(connection)))
                    } catch {
                        return (index, .failure(PodCallFailure(error, at: connection.identifier)))
                    }
                }
            }
            var results = [Result<T, PodCallFailure>?](repeating: nil, count: connections.count)
            for await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
        if Task.isCancelled { throw CancellationError() }
        return results
    }

    /// Closes `task` at every pod at once. Closing is a courtesy: a pod forgets idle tasks on
    /// its own, so a pod that cannot be reached now is not an error. The pod whose failure
    /// `error` reports is closed in the background, not waited for: it may have stopped, and
    /// its call's deadline would hold back the error the user is waiting for.
    static func close(_ task: UUID, at connections: [any PodConnection], after error: (any Error)? = nil) async {
        let failed = error.flatMap(failedPod(in:))
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                if connection.identifier == failed {
                    Task { try? await connection.closeTask(task) }
                } else {
                    group.addTask { try? await connection.closeTask(task) }
                }
            }
        }
    }

    /// The pod whose failure `error` reports, if it reports one.
    private static func failedPod(in error: any Error) -> PodIdentifier? {
        switch error {
        case let failure as PodCallFailure: return failure.pod
        case let TrainingError.podFailed(pod, _, _): return pod
        case let TrainingError.localTrainingFailed(pod, _): return pod
        default: return nil
        }
    }

    /// A pod call's failure as the error a user reads.
    static func podError(_ error: any Error) -> any Error {
        guard let failure = error as? PodCallFailure else { return error }
        if let column = failure.mismatchedColumn {
            return TrainingError.podDataDoesNotFit(pod: failure.pod, column: column, reason: failure.reason)
        }
        return TrainingError.localTrainingFailed(pod: failure.pod, reason: failure.reason)
    }
}

/// An error of a pod connection whose message names the pod; `reason` is the rest, for
/// reports that name the pod themselves.
public protocol PodScopedError: FederationError {
    /// What went wrong, without the pod's name.
    var reason: String { get }
}

/// An error that may mean a pod's data does not fit the model a task sent it (a column
/// missing there, of another type there, or holding a category the model's encoder lacks).
/// Running again cannot fix such a failure, so the modeller's message points to the schema
/// instead; a pod server's error says so too, so a remote pod's failure reads the same.
public protocol PodDataMismatchReporting: Error {
    /// The column at fault when the pod's data does not fit the model; nil for other failures.
    var mismatchedColumn: String? { get }
}

/// A call to one pod failed; names the pod and says why.
struct PodCallFailure: Error, Sendable {
    /// The pod.
    let pod: PodIdentifier
    /// Its error, as one line.
    let reason: String
    /// The column at fault when the pod's data does not fit the model.
    var mismatchedColumn: String? = nil
}

extension PodCallFailure {
    /// The failure of a call to `pod` that threw `error`.
    init(_ error: any Error, at pod: PodIdentifier) {
        if let failure = error as? PodCallFailure {
            self = failure
        } else {
            self.init(pod: pod, reason: failureReason(of: error),
                      mismatchedColumn: (error as? any PodDataMismatchReporting)?.mismatchedColumn)
        }
    }
}

/// An error as the one line a pod's failure is reported with (a pod server sends this line,
/// so a remote pod's failure reads as an embedded one's).
public func failureReason(of error: any Error) -> String {
    if case let TrainingError.localTrainingFailed(_, reason)? = error as? TrainingError { return reason }
    if let error = error as? any PodScopedError { return error.reason }
    if let error = error as? any FederationError { return error.message }
    return "\(error)"
}
