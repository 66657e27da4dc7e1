import BFTestSupport
import Federation
import Foundation
import Learning
@testable import Transport
import XCTest

/// The `PodConnection` suite: one scenario through every call, run against the embedded pod
/// and against the same pod served over gRPC on 127.0.0.1 (in process, and as a `bf pod
/// serve` child process); every answer must be the same.
final class PodConnectionSuiteTests: XCTestCase {
    func testEveryCallAnswersTheSameInProcessAndOverTheNetwork() async throws {
        let federation = try await TestFederation.make()
        let pod = try federation.hub.resolvePod("census-income-demo")
        let local = try federation.hub.localConnection(to: pod, as: federation.modeller.name)
        let expected = try await Transcript.record(local, federation: federation)

        let server = try await InProcessServer.start(federation.hub, pod: pod)
        defer { server.stop() }
        let remote = try await RemotePodConnection.connect(to: server.address, as: federation.modeller)
        XCTAssertEqual(remote.identifier, pod)
        try await Transcript.record(remote, federation: federation).assertEqual(to: expected, label: "in-process server")
        remote.close()

        let child = try ServingProcess.pod("census-income-demo", bf: try BFBinary.locate(), user: federation.owner.name,
                                             home: federation.hub.home)
        defer { child.stop() }
        let served = try await RemotePodConnection.connect(to: try PodAddress(parsing: child.address), as: federation.modeller)
        try await Transcript.record(served, federation: federation).assertEqual(to: expected, label: "bf pod serve")
        served.close()
    }
}

/// Every answer of one pass through the calls, with what varies between passes (request
/// identifiers) left out.
struct Transcript: Equatable {
    var description: PodDescription
    var roles: [Role]
    var accepted: TaskResponse.Outcome
    var schema: SchemaResponse
    var refusedSecure: TaskResponse.Outcome
    var opened: TaskResponse.Outcome
    var progress: [PodProgress]
    var update: RoundUpdate?
    var evaluation: EvaluationReport
    var prediction: PredictionSummary
    /// Per-row scores asked of the pod while its allow_row_predictions is off: refused.
    var rowsRefused: TaskResponse.Outcome
    /// Per-row scores once the owner allowed them.
    var rowPrediction: PredictionSummary
    var query: QueryResponse
    /// The CRLF comment attack of issue 18: refused over every transport.
    var hiddenColumns: QueryResponse

    static func record(_ connection: any PodConnection, federation: TestFederation) async throws -> Transcript {
        let modeller = federation.modeller
        let pod = connection.identifier
        let unapproved = try federation.hub.resolvePod("census-income-unapproved")
        let description = try await connection.describe()
        let roles = try await connection.roles(of: modeller.name)
        let accepted = try await connection.request(try TaskRequest.signed(kind: .train, pods: [pod], by: modeller))
        let schema = try await connection.schema(try TaskRequest.signed(kind: .schema, pods: [pod], by: modeller))
        let refused = try await connection.request(try TaskRequest.signed(kind: .train, pods: [pod, unapproved],
                                                                          secureAggregation: true, by: modeller))
        let open = try ModelTaskRequest.signed(kind: .train, specification: federation.specification, pods: [pod],
                                               secureAggregation: false, by: modeller)
        let opened = try await connection.openTask(open)
        let parameters = try federation.specification.makeClassifier().parameters()
        var progress: [PodProgress] = []
        var update: RoundUpdate?
        for try await event in connection.train(RoundRequest(task: open.task, round: 0, parameters: parameters, epochs: nil, steps: 3)) {
            switch event {
            case let .progress(step): progress.append(step)
            case let .finished(finished): update = finished
            }
        }
        let evaluation = try await connection.evaluate(EvaluationRequest(task: open.task, parameters: parameters))
        try await connection.closeTask(open.task)
        let predict = try ModelTaskRequest.signed(kind: .predict, specification: federation.specification, pods: [pod],
                                                  secureAggregation: false, by: modeller)
        _ = try await connection.openTask(predict)
        let prediction = try await connection.predict(PredictionRequest(task: predict.task, parameters: parameters))
        try await connection.closeTask(predict.task)
        let refusedRows = try ModelTaskRequest.signed(kind: .predict, specification: federation.specification, pods: [pod],
                                                      secureAggregation: false, rowScores: true, by: modeller)
        let rowsRefused = try await connection.openTask(refusedRows).outcome
        try federation.hub.setRowPredictions(true, on: pod, by: federation.owner)
        let rows = try ModelTaskRequest.signed(kind: .predict, specification: federation.specification, pods: [pod],
                                               secureAggregation: false, rowScores: true, by: modeller)
        _ = try await connection.openTask(rows)
        let rowPrediction = try await connection.predict(PredictionRequest(task: rows.task, parameters: parameters))
        try await connection.closeTask(rows.task)
        try federation.hub.setRowPredictions(false, on: pod, by: federation.owner)
        let query = try await connection.query(QueryRequest(
            request: try TaskRequest.signed(kind: .sql, pods: [pod], detail: "SELECT workclass, COUNT(*) FROM df GROUP BY workclass", by: modeller),
            sql: "SELECT workclass, COUNT(*) FROM df GROUP BY workclass"))
        let attack = "SELECT MAX(\"capital-gain\") --\r\n, age, occupation FROM df WHERE age > 80"
        let hiddenColumns = try await connection.query(QueryRequest(
            request: try TaskRequest.signed(kind: .sql, pods: [pod], detail: attack, by: modeller), sql: attack))
        return Transcript(description: description, roles: roles, accepted: accepted.outcome, schema: schema,
                          refusedSecure: refused.outcome, opened: opened.outcome, progress: progress, update: update,
                          evaluation: evaluation, prediction: prediction, rowsRefused: rowsRefused, rowPrediction: rowPrediction, query: query,
                          hiddenColumns: hiddenColumns)
    }

    func assertEqual(to expected: Transcript, label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(description, expected.description, label, file: file, line: line)
        XCTAssertEqual(roles, expected.roles, label, file: file, line: line)
        XCTAssertEqual(accepted, .accepted, label, file: file, line: line)
        XCTAssertEqual(accepted, expected.accepted, label, file: file, line: line)
        XCTAssertEqual(schema, expected.schema, label, file: file, line: line)
        XCTAssertEqual(refusedSecure, expected.refusedSecure, label, file: file, line: line)
        XCTAssertEqual(opened, expected.opened, label, file: file, line: line)
        XCTAssertEqual(progress.count, 3, label, file: file, line: line)
        XCTAssertEqual(progress, expected.progress, label, file: file, line: line)
        XCTAssertNotNil(update, label, file: file, line: line)
        XCTAssertEqual(update, expected.update, label, file: file, line: line)
        XCTAssertEqual(evaluation, expected.evaluation, label, file: file, line: line)
        XCTAssertEqual(prediction, expected.prediction, label, file: file, line: line)
        XCTAssertNil(prediction.rows, label, file: file, line: line)
        XCTAssertEqual(rowsRefused, .rejected(.rowPredictionsNotAllowed(owner: "carol")), label, file: file, line: line)
        XCTAssertEqual(rowPrediction, expected.rowPrediction, label, file: file, line: line)
        XCTAssertEqual(rowPrediction.rows?.testRows.count, rowPrediction.rowCount, label, file: file, line: line)
        XCTAssertEqual(rowPrediction.rows?.probabilities.count, 2 * rowPrediction.rowCount, label, file: file, line: line)
        XCTAssertFalse(update?.standardisation.isEmpty ?? true, "the update carries no standardisation: \(label)", file: file, line: line)
        XCTAssertEqual(query, expected.query, label, file: file, line: line)
        XCTAssertEqual(hiddenColumns, .refused(.notAggregated(column: "age")), label, file: file, line: line)
        if case .rejected = refusedSecure {} else { XCTFail("the secure request with an unapproved pod was not refused", file: file, line: line) }
    }
}
