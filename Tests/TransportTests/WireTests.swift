import Federation
import Foundation
import Learning
@testable import Transport
import XCTest

/// Messages survive the wire exactly; parameters travel as chunks of raw bytes.
final class WireTests: XCTestCase {
    func testParametersTravelAsChunksOfLittleEndianBytes() throws {
        let count = 600_000
        let values = (0..<count).map { Float($0) * 0.5 - 7 }
        let parameters = try ParameterSet([("w", [1000, 600], values)])
        let round = RoundRequest(task: UUID(), round: 3, parameters: parameters, epochs: nil, steps: 5, proximalMu: 0.01)
        let parts = try Wire.parts(round)
        XCTAssertEqual(parts.count, 1 + 3, "a header and three chunks of at most 1 MiB")
        for part in parts.dropFirst() {
            guard case let .parameterChunk(chunk)? = part.part else { return XCTFail("not a chunk") }
            XCTAssertLessThanOrEqual(chunk.count, Wire.chunkLimit)
        }
        guard case let .parameterChunk(first)? = parts[1].part else { return XCTFail("not a chunk") }
        XCTAssertEqual(Array(first.prefix(4)), Array(withUnsafeBytes(of: Float(-7).bitPattern.littleEndian) { Array($0) }))
        XCTAssertEqual(try Wire.round(parts), round)

        XCTAssertThrowsError(try Wire.round(Array(parts.dropLast()))) { error in
            XCTAssertTrue("\(error)".contains("parameters"), "\(error)")
        }
        XCTAssertThrowsError(try Wire.round(Array(parts.dropFirst()))) { error in
            XCTAssertTrue("\(error)".contains("header"), "\(error)")
        }
    }

    func testUpdatesAndEvaluationsRoundTrip() throws {
        let pod = try PodIdentifier(owner: "carol", name: "census")
        let metrics = ClassificationMetrics(probabilities: [0.1, 0.9, 0.8, 0.2, 0.4, 0.6, 0.6, 0.4], labels: [1, 0, 1, 1], classCount: 2)
        let update = RoundUpdate(pod: pod, round: 1, contribution: .plain(delta: [1.5, -2, 0, .leastNonzeroMagnitude]),
                                 sampleCount: 120, steps: 4, trainingLoss: 0.25, validation: metrics,
                                 standardisation: [.init(count: 120, mean: 38.5, standardDeviation: 13.25), .init(count: 119, mean: 0.1, standardDeviation: 0)])
        let parts = try Wire.parts(.finished(update))
        guard case let .update(header)? = parts.first?.part else { return XCTFail("no header") }
        var bytes = Data()
        for part in parts.dropFirst() {
            if case let .updateChunk(chunk)? = part.part { bytes.append(chunk) }
        }
        XCTAssertEqual(try Wire.update(header, bytes: bytes), update)
        XCTAssertThrowsError(try Wire.update(header, bytes: bytes.dropLast(4)))

        let report = EvaluationReport(pod: pod, part: .test, metrics: metrics)
        XCTAssertEqual(try Wire.report(try Wire.message(report)), report)
        let summary = PredictionSummary(pod: pod, part: .validation, rowCount: 10, predictedCounts: [4, 6], meanProbabilities: [0.4, 0.6])
        XCTAssertEqual(try Wire.summary(Wire.message(summary)), summary)
        let scored = PredictionSummary(pod: pod, part: .test, rowCount: 2, predictedCounts: [1, 1], meanProbabilities: [0.5, 0.5],
                                       rows: RowScores(testRows: [0, 3], probabilities: [0.25, 0.75, 0.75, .leastNonzeroMagnitude]))
        XCTAssertEqual(try Wire.summary(Wire.message(scored)), scored)
        let noRows = PredictionSummary(pod: pod, part: .test, rowCount: 0, predictedCounts: [0, 0], meanProbabilities: [0, 0],
                                       rows: RowScores(testRows: [], probabilities: []))
        XCTAssertEqual(try Wire.summary(Wire.message(noRows)), noRows)
    }
}
