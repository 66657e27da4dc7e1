import Diagnostics

/// An optimizer as the user names it: a PyTorch optimizer class name and its keyword
/// parameters, e.g. `OptimizerConfig(name: "SGD", params: ["lr": 0.001])`.
///
/// Known optimizers and parameters (PyTorch defaults in brackets):
/// - `SGD`: `lr` [0.001], `momentum` [0], `dampening` [0], `weight_decay` [0], `nesterov` [0; 1 = on]
/// - `Adam`: `lr` [0.001], `beta1` [0.9], `beta2` [0.999], `eps` [1e-8], `weight_decay` [0], `amsgrad` [0]
/// - `AdamW`: as Adam, with decoupled `weight_decay` [0.01]
///
/// Names are matched exactly; `validate()` suggests the intended one otherwise.
public struct OptimizerConfig: Sendable, Codable, Hashable {
    /// The optimizer's name.
    public var name: String
    /// The optimizer's parameters by name.
    public var params: [String: Double]

    /// An optimizer configuration.
    public init(name: String, params: [String: Double] = [:]) {
        self.name = name
        self.params = params
    }

    /// The optimizer names bf knows.
    public static let knownNames = ["SGD", "Adam", "AdamW"]

    /// The parameter names optimizer `name` takes (empty for an unknown optimizer).
    public static func parameterNames(of name: String) -> [String] {
        switch name {
        case "SGD": return ["lr", "momentum", "dampening", "weight_decay", "nesterov"]
        case "Adam", "AdamW": return ["lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"]
        default: return []
        }
    }

    /// The learning rate this configuration will use.
    public var learningRate: Double { params["lr"] ?? 0.001 }

    /// Checks the name and every parameter and resolves the defaults; throws the first
    /// problem found (parameters in alphabetical order, so the report is stable).
    func resolve() throws(LearningError) -> OptimizerSettings {
        guard OptimizerConfig.knownNames.contains(name) else {
            throw .unknownOptimizer(name: name, suggestion: Suggestion.closest(to: name, among: OptimizerConfig.knownNames))
        }
        let known = OptimizerConfig.parameterNames(of: name)
        for key in params.keys.sorted() where !known.contains(key) {
            throw .unknownOptimizerParameter(optimizer: name, parameter: key, suggestion: Suggestion.closest(to: key, among: known))
        }
        for key in params.keys.sorted() {
            if let value = params[key], !value.isFinite {
                throw .invalidOptimizerParameter(optimizer: name, parameter: key, value: value, requirement: "a finite number")
            }
        }
        let learningRate = try value("lr", default: 0.001, requirement: "above 0") { $0 > 0 }
        let weightDecay = try value("weight_decay", default: name == "AdamW" ? 0.01 : 0, requirement: "at least 0") { $0 >= 0 }
        if name == "SGD" {
            let momentum = try value("momentum", default: 0, requirement: "at least 0") { $0 >= 0 }
            let dampening = try value("dampening", default: 0, requirement: "between 0 and 1") { $0 >= 0 && $0 <= 1 }
            let nesterov = try flag("nesterov")
            if nesterov && momentum == 0 {
                throw .invalidOptimizerParameter(optimizer: name, parameter: "momentum", value: momentum, requirement: "above 0 when 'nesterov' is 1")
            }
            if nesterov && dampening != 0 {
                throw .invalidOptimizerParameter(optimizer: name, parameter: "dampening", value: dampening, requirement: "0 when 'nesterov' is 1")
            }
            return .sgd(SGDSettings(learningRate: learningRate, momentum: momentum, dampening: dampening, weightDecay: weightDecay, nesterov: nesterov))
        }
        let beta1 = try value("beta1", default: 0.9, requirement: "at least 0 and below 1") { $0 >= 0 && $0 < 1 }
        let beta2 = try value("beta2", default: 0.999, requirement: "at least 0 and below 1") { $0 >= 0 && $0 < 1 }
        let epsilon = try value("eps", default: 1e-8, requirement: "at least 0") { $0 >= 0 }
        let amsgrad = try flag("amsgrad")
        return .adam(AdamSettings(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
            weightDecay: weightDecay, amsgrad: amsgrad, decoupledWeightDecay: name == "AdamW"))
    }

    private func value(_ key: String, default fallback: Double, requirement: String, _ isValid: (Double) -> Bool) throws(LearningError) -> Double {
        let value = params[key] ?? fallback
        guard isValid(value) else {
            throw .invalidOptimizerParameter(optimizer: name, parameter: key, value: value, requirement: requirement)
        }
        return value
    }

    private func flag(_ key: String) throws(LearningError) -> Bool {
        let value = params[key] ?? 0
        guard value == 0 || value == 1 else {
            throw .invalidOptimizerParameter(optimizer: name, parameter: key, value: value, requirement: "0 (off) or 1 (on)")
        }
        return value == 1
    }
}

/// The resolved settings of plain or momentum SGD.
struct SGDSettings: Equatable {
    var learningRate: Double
    var momentum: Double
    var dampening: Double
    var weightDecay: Double
    var nesterov: Bool
}

/// The resolved settings of Adam and AdamW.
struct AdamSettings: Equatable {
    var learningRate: Double
    var beta1: Double
    var beta2: Double
    var epsilon: Double
    var weightDecay: Double
    var amsgrad: Bool
    /// True for AdamW: weight decay shrinks the parameters instead of entering the gradient.
    var decoupledWeightDecay: Bool
}

/// A validated optimizer with every default filled in.
enum OptimizerSettings: Equatable {
    case sgd(SGDSettings)
    case adam(AdamSettings)
}
