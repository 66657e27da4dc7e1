import XCTest
@testable import Learning

/// Bad hyperparameters, layouts and datasets are refused with clear errors before any work.
final class ValidationTests: XCTestCase {
    func model() throws -> TabularClassifier {
        try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [4], hiddenDropouts: [0]), seed: 1)
    }

    func refusal(_ hyperparameters: TrainingHyperparameters) throws -> String? {
        let classifier = try model()
        let before = classifier.parameters()
        let message = learningError { _ = try ClassifierTrainer(model: classifier, hyperparameters: hyperparameters) }?.description
        XCTAssertEqual(classifier.parameters(), before)
        return message
    }

    func testEpochsAndSteps() throws {
        XCTAssertEqual(try refusal(.init(epochs: 1, steps: 10)), "hyperparameters give both 'epochs' and 'steps': give exactly one of them")
        XCTAssertEqual(try refusal(.init()), "hyperparameters give neither 'epochs' nor 'steps': give exactly one of them")
        XCTAssertEqual(try refusal(.init(epochs: 0)), "hyperparameter 'epochs' is 0: it must be at least 1")
        XCTAssertEqual(try refusal(.init(steps: -3)), "hyperparameter 'steps' is -3: it must be at least 1")
        XCTAssertEqual(try refusal(.init(epochs: 1, batchSize: 0)), "hyperparameter 'batch_size' is 0: it must be at least 1")
    }

    func testAbsurdlyLongTrainingsAreRefusedWithTheLimit() throws {
        XCTAssertEqual(try refusal(.init(epochs: 1_000_000_000_000)),
                       "hyperparameter 'epochs' is 1000000000000: bf allows at most 100,000 epochs in one training")
        XCTAssertEqual(try refusal(.init(steps: 10_000_001)),
                       "hyperparameter 'steps' is 10000001: bf allows at most 10,000,000 steps in one training")
        XCTAssertNoThrow(try TrainingHyperparameters(epochs: TrainingHyperparameters.maximumEpochs).validate())
        XCTAssertNoThrow(try TrainingHyperparameters(steps: TrainingHyperparameters.maximumSteps).validate())
    }

    func testLearningRate() throws {
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "SGD", params: ["lr": 0]))),
                       "optimizer 'SGD' parameter 'lr' is 0.0: it must be above 0")
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "AdamW", params: ["lr": -0.01]))),
                       "optimizer 'AdamW' parameter 'lr' is -0.01: it must be above 0")
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "Adam", params: ["lr": .nan]))),
                       "optimizer 'Adam' parameter 'lr' is nan: it must be a finite number")
    }

    func testUnknownOptimizerSuggests() throws {
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "adamw"))),
                       "unknown optimizer 'adamw': did you mean 'AdamW'? known optimizers are 'SGD', 'Adam', 'AdamW'")
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "SDG"))),
                       "unknown optimizer 'SDG': did you mean 'SGD'? known optimizers are 'SGD', 'Adam', 'AdamW'")
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "RMSprop"))),
                       "unknown optimizer 'RMSprop': known optimizers are 'SGD', 'Adam', 'AdamW'")
    }

    func testUnknownOptimizerParameterSuggests() throws {
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "SGD", params: ["lr": 0.1, "momentun": 0.9]))),
                       "optimizer 'SGD' has no parameter 'momentun': did you mean 'momentum'? its parameters are 'lr', 'momentum', 'dampening', 'weight_decay', 'nesterov'")
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "Adam", params: ["betas": 0.9]))),
                       "optimizer 'Adam' has no parameter 'betas': did you mean 'beta1'? its parameters are 'lr', 'beta1', 'beta2', 'eps', 'weight_decay', 'amsgrad'")
    }

    func testOptimizerParameterRanges() throws {
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "SGD", params: ["nesterov": 1]))),
                       "optimizer 'SGD' parameter 'momentum' is 0.0: it must be above 0 when 'nesterov' is 1")
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "SGD", params: ["nesterov": 0.5]))),
                       "optimizer 'SGD' parameter 'nesterov' is 0.5: it must be 0 (off) or 1 (on)")
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "Adam", params: ["beta2": 1]))),
                       "optimizer 'Adam' parameter 'beta2' is 1.0: it must be at least 0 and below 1")
        XCTAssertEqual(try refusal(.init(epochs: 1, optimizer: .init(name: "AdamW", params: ["weight_decay": -1]))),
                       "optimizer 'AdamW' parameter 'weight_decay' is -1.0: it must be at least 0")
        XCTAssertNoThrow(try TrainingHyperparameters(epochs: 1).validate())
    }

    func testLayoutAndArchitecture() {
        XCTAssertEqual(learningError { try TabularLayout(categoricalCardinalities: [], continuousCount: 0, classCount: 2).validate() }?.description,
                       "the layout has no input columns: give at least one categorical or continuous column")
        XCTAssertEqual(learningError { try TabularLayout(categoricalCardinalities: [0], continuousCount: 0, classCount: 2).validate() }?.description,
                       "categorical column 'categorical0' has 0 categories: it needs at least 1")
        XCTAssertEqual(learningError { try TabularLayout(categoricalCardinalities: [2], continuousCount: 0, classCount: 1).validate() }?.description,
                       "the target has 1 classes: a classifier needs at least 2")
        XCTAssertEqual(learningError { _ = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [4, 0], hiddenDropouts: [0, 0]), seed: 1) }?.description,
                       "hidden layer 2 has width 0: widths must be at least 1")
        XCTAssertEqual(learningError { _ = try TabularClassifier(layout: smallLayout, architecture: .init(hiddenLayers: [4], hiddenDropouts: []), seed: 1) }?.description,
                       "the architecture has 1 hidden layers but 0 dropouts: give one dropout per hidden layer")
        XCTAssertEqual(learningError { _ = try TabularClassifier(layout: smallLayout, architecture: .init(embeddingDropout: 1), seed: 1) }?.description,
                       "embedding dropout is 1.0: it must be at least 0 and below 1")
    }

    func testDatasetShapesAndRanges() {
        let layout = smallLayout
        XCTAssertEqual(learningError { _ = try TabularDataset(layout: layout, rowCount: 2, categorical: [0, 0, 0], continuous: [0, 0, 0, 0], labels: [0, 1]) }?.description,
                       "dataset 'categorical' has 3 values but the layout and row count need 4")
        XCTAssertEqual(learningError { _ = try TabularDataset(layout: layout, rowCount: 2, categorical: [0, 0, 0, 4], continuous: [0, 0, 0, 0], labels: [0, 1]) }?.description,
                       "categorical column 'shape' has code 4 at row 1: codes must be in 0..<4; encode with the combined schema")
        XCTAssertEqual(learningError { _ = try TabularDataset(layout: layout, rowCount: 2, categorical: [0, 0, 0, 0], continuous: [0, .nan, 0, 0], labels: [0, 1]) }?.description,
                       "continuous column 'height' is not a finite number at row 0: fill or drop missing values first")
        XCTAssertEqual(learningError { _ = try TabularDataset(layout: layout, rowCount: 2, categorical: [0, 0, 0, 0], continuous: [0, 0, 0, 0], labels: [0, 2]) }?.description,
                       "label 2 at row 1 is outside 0..<2: encode the target with the combined schema")
    }

    func testTrainingRefusesUnfitData() throws {
        let classifier = try model()
        let trainer = try ClassifierTrainer(model: classifier, hyperparameters: .init(epochs: 1))
        let unlabelled = try TabularDataset(layout: smallLayout, rowCount: 2, categorical: [0, 0, 0, 0], continuous: [0, 0, 0, 0], labels: [])
        XCTAssertEqual(learningError { try trainer.train(on: unlabelled) }, .unlabelledDataset)
        let oneRow = try TabularDataset(layout: smallLayout, rowCount: 1, categorical: [0, 0], continuous: [0, 0], labels: [1])
        XCTAssertEqual(learningError { try trainer.train(on: oneRow) }?.description, "training needs at least 2 rows but the dataset has 1")
        let otherLayout = TabularLayout(categoricalCardinalities: [3], continuousCount: 1, classCount: 2)
        let other = try TabularDataset(layout: otherLayout, rowCount: 2, categorical: [0, 1], continuous: [0, 1], labels: [0, 1])
        XCTAssertEqual(learningError { try trainer.train(on: other) }, .layoutMismatch)
        let data = try separableDataset(layout: smallLayout, rows: 10, seed: 1)
        XCTAssertEqual(learningError { try trainer.train(on: data, proximal: ProximalTerm(mu: -1, reference: classifier.parameters())) }?.description,
                       "proximal coefficient 'mu' is -1.0: it must be a finite number at least 0")
        XCTAssertEqual(trainer.stepCount, 0)
    }
}
