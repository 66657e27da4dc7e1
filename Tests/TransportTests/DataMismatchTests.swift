import Federation
import Foundation
import Learning
@testable import Transport
import XCTest

/// A pod whose data does not fit the model says so over the network as it does in process:
/// the column travels with the error, so the modeller's message points to the schema.
final class DataMismatchTests: XCTestCase {
    func testAPodWhoseCategoriesDifferNamesTheColumnOverTheNetwork() async throws {
        let federation = try await TestFederation.make()
        let other = try federation.hub.resolvePod("census-income-other")
        let server = try await InProcessServer.start(federation.hub, pod: other)
        defer { server.stop() }
        let remote = try await RemotePodConnection.connect(to: server.address, as: federation.modeller)
        defer { remote.close() }
        // The model was specified from census-income-demo's schema, whose 'gender' lacks 'Unspecified'.
        let open = try ModelTaskRequest.signed(kind: .train, specification: federation.specification, pods: [other],
                                               secureAggregation: false, by: federation.modeller)
        _ = try await remote.openTask(open)
        let parameters = try federation.specification.makeClassifier().parameters()
        do {
            for try await _ in remote.train(RoundRequest(task: open.task, round: 0, parameters: parameters, epochs: nil, steps: 1)) {}
            XCTFail("the round trained on data the model does not fit")
        } catch let error as TransportError {
            XCTAssertEqual(error.mismatchedColumn, "gender")
            XCTAssertTrue(error.reason.contains("'Unspecified' in categorical column 'gender'"), error.reason)
        }
    }
}
