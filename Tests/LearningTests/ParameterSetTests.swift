import XCTest
@testable import Learning

/// Parameter-set arithmetic for federated averaging and model loading.
final class ParameterSetTests: XCTestCase {
    func pair() throws -> (ParameterSet, ParameterSet) {
        let a = try ParameterSet([(name: "w", shape: [2, 2], values: [1, 2, 3, 4]), (name: "b", shape: [1], values: [10])])
        let b = try ParameterSet([(name: "w", shape: [2, 2], values: [0.5, -1, 2, 0]), (name: "b", shape: [1], values: [-4])])
        return (a, b)
    }

    func testArithmetic() throws {
        let (a, b) = try pair()
        XCTAssertEqual(try a.adding(b).values, [1.5, 1, 5, 4, 6])
        XCTAssertEqual(try a.subtracting(b).values, [0.5, 3, 1, 4, 14])
        XCTAssertEqual(a.scaled(by: 0.5).values, [0.5, 1, 1.5, 2, 5])
        XCTAssertEqual(try ParameterSet.weightedSum([(a, 0.25), (b, 0.75)]).values, [0.625, -0.25, 2.25, 1, -0.5])
        XCTAssertEqual(a.flattened, [1, 2, 3, 4, 10])
        XCTAssertEqual(try a.replacingValues(with: [0, 0, 0, 0, 1]).values(of: "b"), [1])
        XCTAssertEqual(a.values(of: "w"), [1, 2, 3, 4])
        XCTAssertEqual(a.shape(of: "w"), [2, 2])
        XCTAssertEqual(a.range(of: "b"), 4..<5)
    }

    func testShapeChecks() throws {
        let (a, _) = try pair()
        let reshaped = try ParameterSet([(name: "w", shape: [4], values: [1, 2, 3, 4]), (name: "b", shape: [1], values: [10])])
        XCTAssertEqual(learningError { _ = try a.adding(reshaped) }?.description,
                       "parameter sets do not match: 'w' [2, 2] meets 'w' [4] at the same position")
        XCTAssertEqual(learningError { _ = try a.replacingValues(with: [1]) }?.description,
                       "flat parameter vector has 1 values but the layout holds 5")
        XCTAssertEqual(learningError { _ = try ParameterSet([(name: "w", shape: [3], values: [1])]) }?.description,
                       "tensor 'w': shape [3] needs 3 values but 1 were given")
        XCTAssertEqual(learningError { _ = try ParameterSet.weightedSum([]) }?.description,
                       "parameter sets do not match: a weighted sum needs at least one parameter set")
    }

    func testModelLoadChecksNamesShapesAndValues() throws {
        let architecture = TabularArchitecture(hiddenLayers: [3], hiddenDropouts: [0])
        let model = try TabularClassifier(layout: smallLayout, architecture: architecture, seed: 1)
        let other = try TabularClassifier(layout: smallLayout, architecture: architecture, seed: 2)
        XCTAssertNotEqual(model.parameters(), other.parameters())
        try model.load(other.parameters())
        XCTAssertEqual(model.parameters(), other.parameters())
        XCTAssertEqual(model.parameters().names, [
            "embeddings.0.weight", "embeddings.1.weight",
            "continuous_norm.weight", "continuous_norm.bias", "continuous_norm.running_mean", "continuous_norm.running_var",
            "layers.0.linear.weight", "layers.0.linear.bias",
            "layers.0.norm.weight", "layers.0.norm.bias", "layers.0.norm.running_mean", "layers.0.norm.running_var",
            "output.weight", "output.bias",
        ])

        let wider = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [4], hiddenDropouts: [0]), seed: 1)
        XCTAssertEqual(learningError { try model.load(wider.parameters()) }?.description,
                       "parameter 'layers.0.linear.weight' has shape [4, 8] but [3, 8] is expected: the parameters come from a different model layout")
        let before = model.parameters()
        var broken = before
        try broken.setValues([.nan, 0, 0, 0, 0, 0, 0, 0, 0], of: "embeddings.0.weight")
        XCTAssertEqual(learningError { try model.load(broken) }?.description,
                       "parameter 'embeddings.0.weight' holds a value that is not finite: training diverged; lower the learning rate")
        XCTAssertEqual(model.parameters(), before)
        let partial = try ParameterSet([(name: "output.bias", shape: [2], values: [0, 0])])
        XCTAssertEqual(learningError { try model.load(partial) }, .missingParameter("embeddings.0.weight"))
    }
}
