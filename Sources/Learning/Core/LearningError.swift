import Diagnostics

/// Every error the Learning layer reports, with its message catalogue in `description` and
/// what to do in `help`.
///
/// Messages are lower case, name the thing at fault and where; callers show them verbatim.
public enum LearningError: ProblemError, Equatable {
    // Hyperparameters.
    /// Both `epochs` and `steps` were given.
    case epochsAndStepsBothGiven
    /// Neither `epochs` nor `steps` was given.
    case epochsOrStepsMissing
    /// An integer hyperparameter that must be at least 1 was not.
    case hyperparameterNotPositive(name: String, value: Int)
    /// An integer hyperparameter is above bf's limit for it.
    case hyperparameterTooLarge(name: String, value: Int, limit: Int)
    /// The optimizer name is not one bf knows.
    case unknownOptimizer(name: String, suggestion: String?)
    /// The optimizer was given a parameter it does not take.
    case unknownOptimizerParameter(optimizer: String, parameter: String, suggestion: String?)
    /// An optimizer parameter is outside its valid range.
    case invalidOptimizerParameter(optimizer: String, parameter: String, value: Double, requirement: String)

    // Layout and architecture.
    /// The layout has neither categorical nor continuous inputs.
    case layoutHasNoInputs
    /// A categorical column has fewer than one category.
    case invalidCardinality(column: String, cardinality: Int)
    /// The target has fewer than two classes.
    case invalidClassCount(Int)
    /// Two input columns share a name.
    case duplicateColumnName(String)
    /// A hidden layer has a width below 1.
    case invalidHiddenWidth(layer: Int, width: Int)
    /// The architecture lists a different number of dropouts than hidden layers.
    case dropoutCountMismatch(layers: Int, dropouts: Int)
    /// A dropout probability is outside [0, 1).
    case invalidDropout(name: String, value: Double)
    /// An embedding width override has the wrong count or a width below 1.
    case invalidEmbeddingWidths(String)

    // Datasets.
    /// An array of the dataset has the wrong number of elements.
    case datasetShape(field: String, expected: Int, found: Int)
    /// A categorical code lies outside 0..<cardinality.
    case categoricalCodeOutOfRange(column: String, row: Int, code: Int32, cardinality: Int)
    /// A label lies outside 0..<classCount.
    case labelOutOfRange(row: Int, label: Int32, classCount: Int)
    /// A continuous value is NaN or infinite.
    case nonFiniteContinuous(column: String, row: Int)
    /// The dataset's layout differs from the model's.
    case layoutMismatch
    /// Training needs more rows than the dataset has.
    case tooFewRows(needed: Int, found: Int)
    /// Training or evaluation was given a dataset without labels.
    case unlabelledDataset
    /// A row index is outside the dataset.
    case rowIndexOutOfRange(index: Int, rowCount: Int)
    /// The FedProx coefficient is negative or not finite.
    case invalidProximalCoefficient(Double)
    /// A DP-SGD setting (`max_grad_norm`, `noise_multiplier`) is out of range.
    case invalidPrivacySetting(name: String, value: Double, requirement: String)

    // Differential privacy accounting.
    /// A sampling rate outside [0, 1].
    case invalidSamplingRate(Double)
    /// A noise multiplier below 0 or not a number.
    case invalidNoiseMultiplier(Double)
    /// A negative number of steps.
    case negativeSteps(Int)
    /// A δ outside (0, 1).
    case invalidDelta(Double)
    /// A target ε below 0 or not finite.
    case invalidEpsilonTarget(Double)
    /// No noise multiplier up to the largest tried reaches the target ε.
    case unreachableEpsilon(target: Double, delta: Double, largestNoiseMultiplier: Double, reached: Double)
    /// A target ε so large that noise multipliers too small to matter meet it.
    case epsilonTargetTooLarge(Double)
    /// Rényi orders an accountant cannot use.
    case invalidRenyiOrders(String)

    // Parameters and optimizer state.
    /// A parameter set lacks a tensor the model needs.
    case missingParameter(String)
    /// A parameter set has a tensor the model does not know.
    case unexpectedParameter(String)
    /// A tensor's shape differs from the one expected.
    case parameterShapeMismatch(name: String, expected: [Int], found: [Int])
    /// Two parameter sets combined by arithmetic have different names or shapes.
    case parameterSetsIncompatible(String)
    /// A flat vector has the wrong element count for the parameter layout.
    case flatParameterCount(expected: Int, found: Int)
    /// A parameter set has a non-finite value.
    case nonFiniteParameter(String)
    /// A tensor is declared with an impossible shape or storage size.
    case invalidTensor(name: String, reason: String)
    /// Optimizer state does not fit the optimizer or model it is loaded into.
    case optimizerStateMismatch(String)
    /// OpenBLAS, which does the matrix products, could not be loaded.
    case blasUnavailable(reason: String)

    // Files.
    /// A safetensors file ends before the part being read.
    case truncatedFile(part: String, needed: Int, available: Int)
    /// A safetensors file is malformed.
    case corruptFile(String)
    /// A tensor has a data type bf does not read.
    case unsupportedDType(tensor: String, dtype: String)
    /// A file could not be read or written.
    case fileAccess(path: String, reason: String)
    /// A checkpoint lacks a metadata entry bf needs.
    case missingMetadata(key: String)
    /// A checkpoint metadata entry could not be decoded.
    case invalidMetadata(key: String, reason: String)
    /// A safetensors file that is not a bf classifier (another program's tensors).
    case notAModelFile(reason: String)
    /// A bf classifier file of a format version newer than this bf reads.
    case newerFormat(version: Int, newest: Int)

    /// What to do about a model's settings; the errors of a model file or of the data say it
    /// in their message.
    public var help: String? {
        let optimizers = "e.g. optimizer=Optimizer(name=\"SGD\", params={\"lr\": 0.001}); the optimizers are SGD, Adam and AdamW"
        switch self {
        case .epochsAndStepsBothGiven, .epochsOrStepsMissing:
            return "give epochs=N or steps=N"
        case let .hyperparameterNotPositive(name, _):
            return "give \(name) a whole number of 1 or more"
        case let .hyperparameterTooLarge(name, _, limit):
            return "give \(name) a whole number from 1 to \(Self.grouped(limit))"
        case .unknownOptimizer, .unknownOptimizerParameter, .invalidOptimizerParameter:
            return optimizers
        case .invalidHiddenWidth:
            return "give every hidden layer 1 or more units, e.g. hidden_layers=[64, 32]"
        case .invalidClassCount:
            return "choose a target with at least two classes"
        case .invalidSamplingRate:
            return "give the chance that a row joins a batch, e.g. 0.01 for batches of 100 rows out of 10,000"
        case .invalidNoiseMultiplier:
            return "give the noise's standard deviation over the clipping norm, e.g. 1.1"
        case .negativeSteps:
            return "give the number of training steps, 0 or more"
        case .invalidDelta:
            return "choose a delta well below 1 / rows, e.g. 1e-5 for 10,000 rows"
        case .invalidEpsilonTarget:
            return "give the privacy budget as a number of 0 or more, e.g. 3"
        case .unreachableEpsilon:
            return "allow a larger epsilon, or train fewer steps or with a lower sampling rate"
        case .epsilonTargetTooLarge:
            return "give a smaller epsilon, e.g. 8"
        case .invalidRenyiOrders:
            return "give orders above 1, e.g. the default orders 1.1 to 1024"
        case .blasUnavailable:
            return "install OpenBLAS (Debian: apt-get install libopenblas0), or name its library file in BF_OPENBLAS"
        default:
            return nil
        }
    }

    public var problems: [Problem] { [Problem(description, help: help)] }

    public var isInputOutput: Bool {
        if case .fileAccess = self { return true }
        return false
    }

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .epochsAndStepsBothGiven:
            return "hyperparameters give both 'epochs' and 'steps': give exactly one of them"
        case .epochsOrStepsMissing:
            return "hyperparameters give neither 'epochs' nor 'steps': give exactly one of them"
        case let .hyperparameterNotPositive(name, value):
            return "hyperparameter '\(name)' is \(value): it must be at least 1"
        case let .hyperparameterTooLarge(name, value, limit):
            return "hyperparameter '\(name)' is \(value): bf allows at most \(Self.grouped(limit)) \(name) in one training"
        case let .unknownOptimizer(name, suggestion):
            let hint = suggestion.map { "did you mean '\($0)'? " } ?? ""
            return "unknown optimizer '\(name)': \(hint)known optimizers are \(OptimizerConfig.knownNames.map { "'\($0)'" }.joined(separator: ", "))"
        case let .unknownOptimizerParameter(optimizer, parameter, suggestion):
            let hint = suggestion.map { "did you mean '\($0)'? " } ?? ""
            let known = OptimizerConfig.parameterNames(of: optimizer).map { "'\($0)'" }.joined(separator: ", ")
            return "optimizer '\(optimizer)' has no parameter '\(parameter)': \(hint)its parameters are \(known)"
        case let .invalidOptimizerParameter(optimizer, parameter, value, requirement):
            return "optimizer '\(optimizer)' parameter '\(parameter)' is \(value): it must be \(requirement)"
        case .layoutHasNoInputs:
            return "the layout has no input columns: give at least one categorical or continuous column"
        case let .invalidCardinality(column, cardinality):
            return "categorical column '\(column)' has \(cardinality) categories: it needs at least 1"
        case let .invalidClassCount(count):
            return "the target has \(count) classes: a classifier needs at least 2"
        case let .duplicateColumnName(name):
            return "column '\(name)' appears twice in the layout: give each input column once"
        case let .invalidHiddenWidth(layer, width):
            return "hidden layer \(layer + 1) has width \(width): widths must be at least 1"
        case let .dropoutCountMismatch(layers, dropouts):
            return "the architecture has \(layers) hidden layers but \(dropouts) dropouts: give one dropout per hidden layer"
        case let .invalidDropout(name, value):
            return "\(name) dropout is \(value): it must be at least 0 and below 1"
        case let .invalidEmbeddingWidths(reason):
            return "embedding widths: \(reason)"
        case let .datasetShape(field, expected, found):
            return "dataset '\(field)' has \(found) values but the layout and row count need \(expected)"
        case let .categoricalCodeOutOfRange(column, row, code, cardinality):
            return "categorical column '\(column)' has code \(code) at row \(row): codes must be in 0..<\(cardinality); encode with the combined schema"
        case let .labelOutOfRange(row, label, classCount):
            return "label \(label) at row \(row) is outside 0..<\(classCount): encode the target with the combined schema"
        case let .nonFiniteContinuous(column, row):
            return "continuous column '\(column)' is not a finite number at row \(row): fill or drop missing values first"
        case .layoutMismatch:
            return "the dataset's layout differs from the model's: encode the data with the model's schema"
        case let .tooFewRows(needed, found):
            return "training needs at least \(needed) rows but the dataset has \(found)"
        case .unlabelledDataset:
            return "the dataset has no labels: training and evaluation need the target column"
        case let .rowIndexOutOfRange(index, rowCount):
            return "row index \(index) is outside the dataset's \(rowCount) rows"
        case let .invalidProximalCoefficient(mu):
            return "proximal coefficient 'mu' is \(mu): it must be a finite number at least 0"
        case let .invalidPrivacySetting(name, value, requirement):
            return "differential privacy setting '\(name)' is \(value): it must be \(requirement)"
        case let .invalidSamplingRate(rate):
            return "sampling rate \(rate) is outside 0 to 1: it is the chance that a row joins a batch (batch size / rows)"
        case let .invalidNoiseMultiplier(sigma):
            return "noise multiplier \(sigma) is not a number of 0 or more"
        case let .negativeSteps(steps):
            return "steps is \(steps): it must be 0 or more"
        case let .invalidDelta(delta):
            return "delta \(delta) is outside 0 to 1: it must be above 0 and below 1"
        case let .invalidEpsilonTarget(epsilon):
            return "target epsilon \(epsilon) is not a finite number of 0 or more"
        case let .unreachableEpsilon(target, delta, largest, reached):
            return "no noise multiplier up to \(Self.grouped(Int(largest))) reaches epsilon \(target) at delta \(delta): the largest gives epsilon \(reached)"
        case let .epsilonTargetTooLarge(epsilon):
            return "target epsilon \(epsilon) is so large that a noise multiplier below 1e-12 meets it"
        case let .invalidRenyiOrders(reason):
            return "Rényi orders: \(reason)"
        case let .missingParameter(name):
            return "parameter '\(name)' is missing: the parameters come from a different model layout"
        case let .unexpectedParameter(name):
            return "parameter '\(name)' is not part of this model: the parameters come from a different model layout"
        case let .parameterShapeMismatch(name, expected, found):
            return "parameter '\(name)' has shape \(found) but \(expected) is expected: the parameters come from a different model layout"
        case let .parameterSetsIncompatible(reason):
            return "parameter sets do not match: \(reason)"
        case let .flatParameterCount(expected, found):
            return "flat parameter vector has \(found) values but the layout holds \(expected)"
        case let .nonFiniteParameter(name):
            return "parameter '\(name)' holds a value that is not finite: training diverged; lower the learning rate"
        case let .invalidTensor(name, reason):
            return "tensor '\(name)': \(reason)"
        case let .optimizerStateMismatch(reason):
            return "optimizer state does not fit: \(reason)"
        case let .blasUnavailable(reason):
            return "bf could not load OpenBLAS, which does its models' matrix products: \(reason)"
        case let .truncatedFile(part, needed, available):
            return "file is truncated: its \(part) needs \(needed) bytes but only \(available) remain"
        case let .corruptFile(reason):
            return "file is not valid safetensors: \(reason)"
        case let .unsupportedDType(tensor, dtype):
            return "tensor '\(tensor)' has dtype '\(dtype)': bf reads only 'F32'"
        case let .fileAccess(path, reason):
            return "cannot access '\(path)': \(reason)"
        case let .missingMetadata(key):
            return "checkpoint metadata has no '\(key)': the file was not written by bf's classifier"
        case let .invalidMetadata(key, reason):
            return "checkpoint metadata '\(key)' cannot be read: \(reason)"
        case let .notAModelFile(reason):
            return "the file is not a bf model: \(reason)"
        case let .newerFormat(version, newest):
            return "the file was written by a newer bf (model format version \(version); this bf reads versions up to \(newest)): update bf to load it"
        }
    }

    /// `count` with commas between thousands: 100,000.
    private static func grouped(_ count: Int) -> String {
        let digits = Array(String(count))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }
}
