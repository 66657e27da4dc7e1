import XCTest
@testable import Federation

final class AggregationPlainTests: XCTestCase {
    private let a = ParameterUpdate(pod: "a", delta: [1, 2, -3], sampleCount: 10)
    private let b = ParameterUpdate(pod: "b", delta: [3, -2, 1], sampleCount: 30)
    private let c = ParameterUpdate(pod: "c", delta: [0.5, 0, 4], sampleCount: 60)

    func testWeightedBySampleCountTwoPods() throws {
        // (10·[1, 2, −3] + 30·[3, −2, 1]) / 40 = [100, −40, 0] / 40
        let result = try PlainAggregator().aggregate([a, b])
        XCTAssertEqual(result.delta, [2.5, -1, 0])
        XCTAssertEqual(result.totalWeight, 40)
        XCTAssertEqual(result.podCount, 2)
    }

    func testEqualWeightingTwoPods() throws {
        // ([1, 2, −3] + [3, −2, 1]) / 2
        let result = try PlainAggregator(weighting: .equal).aggregate([a, b])
        XCTAssertEqual(result.delta, [2, 0, -1])
        XCTAssertEqual(result.totalWeight, 2)
    }

    func testWeightedAndEqualDifferOnPodsOfDifferentSizes() throws {
        // weighted: (10a + 30b + 60c) / 100 = [130, −40, 240] / 100
        let weighted = try PlainAggregator(weighting: .sampleCount).aggregate([a, b, c])
        XCTAssertEqual(weighted.delta[0], 1.3, accuracy: 1e-6)
        XCTAssertEqual(weighted.delta[1], -0.4, accuracy: 1e-6)
        XCTAssertEqual(weighted.delta[2], 2.4, accuracy: 1e-6)
        XCTAssertEqual(weighted.totalWeight, 100)
        // equal: (a + b + c) / 3 = [4.5, 0, 2] / 3
        let equal = try PlainAggregator(weighting: .equal).aggregate([a, b, c])
        XCTAssertEqual(equal.delta[0], 1.5, accuracy: 1e-6)
        XCTAssertEqual(equal.delta[1], 0, accuracy: 1e-6)
        XCTAssertEqual(equal.delta[2], 2.0 / 3.0, accuracy: 1e-6)
        XCTAssertEqual(equal.totalWeight, 3)
    }

    func testPodWithZeroSamplesDoesNotMoveTheWeightedAverage() throws {
        let empty = ParameterUpdate(pod: "empty", delta: [100, 100, 100], sampleCount: 0)
        XCTAssertEqual(try PlainAggregator().aggregate([a, b, empty]).delta, [2.5, -1, 0])
    }

    func testWeightingNames() {
        XCTAssertEqual(AggregationWeighting(rawValue: "equal"), .equal)
        XCTAssertEqual(AggregationWeighting(rawValue: "sample_count"), .sampleCount)
        XCTAssertNil(AggregationWeighting(rawValue: "uniform"))
    }

    func testLengthMismatchNamesThePod() {
        let short = ParameterUpdate(pod: "short", delta: [1, 2], sampleCount: 5)
        assertAggregationError(
            try PlainAggregator().aggregate([a, short]),
            .lengthMismatch(pod: "short", count: 2, expected: 3, firstPod: "a"))
        XCTAssertEqual(
            AggregationError.lengthMismatch(pod: "short", count: 2, expected: 3, firstPod: "a").description,
            "update from pod 'short' has 2 parameters but pod 'a' sent 3; every pod must train the same model")
    }

    func testNonFiniteValueNamesThePodAndIndex() {
        let bad = ParameterUpdate(pod: "bad", delta: [0, .nan, 1], sampleCount: 5)
        assertAggregationError(try PlainAggregator().aggregate([a, bad]), .nonFiniteValue(pod: "bad", index: 1))
        let infinite = ParameterUpdate(pod: "inf", delta: [0, 1, -.infinity], sampleCount: 5)
        assertAggregationError(
            try PlainAggregator(weighting: .equal).aggregate([infinite]), .nonFiniteValue(pod: "inf", index: 2))
    }

    func testZeroTotalWeightIsRefused() {
        let x = ParameterUpdate(pod: "x", delta: [1], sampleCount: 0)
        let y = ParameterUpdate(pod: "y", delta: [2], sampleCount: 0)
        assertAggregationError(try PlainAggregator().aggregate([x, y]), .zeroTotalWeight(pods: ["x", "y"]))
        XCTAssertTrue(AggregationError.zeroTotalWeight(pods: ["x", "y"]).description.contains("'x', 'y'"))
        // Equal weighting does not look at sample counts.
        XCTAssertEqual(try PlainAggregator(weighting: .equal).aggregate([x, y]).delta, [1.5])
    }

    func testOtherMalformedInputsAreRefused() {
        assertAggregationError(try PlainAggregator().aggregate([]), .noUpdates)
        assertAggregationError(try PlainAggregator().aggregate([a, a]), .duplicateUpdate(pod: "a"))
        let negative = ParameterUpdate(pod: "neg", delta: [1, 1, 1], sampleCount: -4)
        assertAggregationError(
            try PlainAggregator().aggregate([a, negative]), .negativeSampleCount(pod: "neg", sampleCount: -4))
    }
}
