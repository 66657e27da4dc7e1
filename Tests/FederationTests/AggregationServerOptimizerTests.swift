import Foundation
import XCTest
@testable import Federation

final class AggregationServerOptimizerTests: XCTestCase {
    func testPlainFedAvgAddsTheAverageDelta() throws {
        var optimizer = ServerOptimizer.plain
        var parameters: [Float] = [1, -2, 0.5]
        try optimizer.apply(averageDelta: [0.25, 1, -0.5], to: &parameters)
        XCTAssertEqual(parameters, [1.25, -1, 0])
    }

    func testFedAvgWithServerLearningRate() throws {
        var parameters: [Float] = [1, 1]
        try FedAvg(learningRate: 0.5).apply(averageDelta: [2, -4], to: &parameters)
        XCTAssertEqual(parameters, [2, -1])
    }

    func testFedAdamDefaultsFollowTheDocumentation() {
        let standard = FedAdam.Configuration.standard
        XCTAssertEqual(standard.learningRate, 0.01)
        XCTAssertEqual(standard.beta1, 0.9)
        XCTAssertEqual(standard.beta2, 0.99)
        XCTAssertEqual(standard.tau, 1e-3)
    }

    /// η = 1.2, β1 = β2 = 0.5, τ = 1, so v starts at τ² = 1.
    private func handConfiguration() throws -> FedAdam.Configuration {
        try FedAdam.Configuration(learningRate: 1.2, beta1: 0.5, beta2: 0.5, tau: 1)
    }

    func testFedAdamTwoStepsMatchHandComputation() throws {
        var optimizer = ServerOptimizer.fedAdam(FedAdam(configuration: try handConfiguration()))
        var parameters: [Float] = [1, 0]

        // Step 1, Δ = [7, −1]:
        //   m = 0.5·0 + 0.5·[7, −1] = [3.5, −0.5]
        //   v = 0.5·1 + 0.5·[49, 1] = [25, 1]
        //   x += 1.2·m / (√v + 1) = [1.2·3.5/6, 1.2·(−0.5)/2] = [0.7, −0.3]
        try optimizer.apply(averageDelta: [7, -1], to: &parameters)
        XCTAssertEqual(parameters[0], 1.7, accuracy: 1e-6)
        XCTAssertEqual(parameters[1], -0.3, accuracy: 1e-6)

        // Step 2, Δ = [1, −1]:
        //   m = 0.5·[3.5, −0.5] + 0.5·[1, −1] = [2.25, −0.75]
        //   v = 0.5·[25, 1] + 0.5·[1, 1] = [13, 1]
        //   x += [1.2·2.25/(√13 + 1), 1.2·(−0.75)/2]
        try optimizer.apply(averageDelta: [1, -1], to: &parameters)
        XCTAssertEqual(parameters[0], Float(1.7 + 2.7 / (13.0.squareRoot() + 1)), accuracy: 1e-6)
        XCTAssertEqual(parameters[1], -0.75, accuracy: 1e-6)

        guard case let .fedAdam(state) = optimizer else { return XCTFail("optimizer changed kind") }
        XCTAssertEqual(state.step, 2)
        XCTAssertEqual(state.firstMoment, [2.25, -0.75])
        XCTAssertEqual(state.secondMoment, [13, 1])
    }

    func testFedAdamCheckpointResumesExactly() throws {
        var uninterrupted = ServerOptimizer.fedAdam(FedAdam())
        var expected: [Float] = [0.1, -0.2, 0.3]
        try uninterrupted.apply(averageDelta: [0.01, 0.02, -0.03], to: &expected)
        var resumed = uninterrupted
        var parameters = expected
        try uninterrupted.apply(averageDelta: [-0.5, 0.25, 0.125], to: &expected)

        let checkpoint = try JSONEncoder().encode(resumed)
        resumed = try JSONDecoder().decode(ServerOptimizer.self, from: checkpoint)
        try resumed.apply(averageDelta: [-0.5, 0.25, 0.125], to: &parameters)
        XCTAssertEqual(parameters, expected)
        XCTAssertEqual(resumed, uninterrupted)
    }

    func testFedAdamRestoredFromMoments() throws {
        let configuration = try handConfiguration()
        var restored = try FedAdam(configuration: configuration, firstMoment: [3.5], secondMoment: [25], step: 1)
        var parameters: [Float] = [1.7]
        try restored.apply(averageDelta: [1], to: &parameters)
        XCTAssertEqual(parameters[0], Float(1.7 + 2.7 / (13.0.squareRoot() + 1)), accuracy: 1e-6)
    }

    func testMismatchedLengthsAreRefused() throws {
        var parameters: [Float] = [1, 2]
        var plain = ServerOptimizer.plain
        assertAggregationError(
            try plain.apply(averageDelta: [1], to: &parameters),
            .parameterCountMismatch(parameters: 2, delta: 1))
        var adam = try FedAdam(configuration: .standard, firstMoment: [0, 0, 0], secondMoment: [1, 1, 1], step: 4)
        assertAggregationError(
            try adam.apply(averageDelta: [1, 1], to: &parameters),
            .optimizerStateMismatch(optimizer: "fedadam", stateCount: 3, parameters: 2))
        XCTAssertEqual(parameters, [1, 2])
    }

    func testInvalidSettingsNameTheSetting() {
        XCTAssertThrowsError(try FedAdam.Configuration(beta1: 1)) { error in
            XCTAssertEqual(
                error as? AggregationError,
                .invalidOptimizerSetting(name: "beta1", value: 1, requirement: "in [0, 1)"))
            XCTAssertEqual("\(error)", "server optimizer setting 'beta1' is 1.0 but must be in [0, 1)")
        }
        XCTAssertThrowsError(try FedAdam.Configuration(tau: 0))
        XCTAssertThrowsError(try FedAdam.Configuration(learningRate: .nan))
        let badJSON = Data(#"{"learningRate":0.01,"beta1":0.9,"beta2":1.5,"tau":0.001}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(FedAdam.Configuration.self, from: badJSON))
    }
}
