/// An optimizer's state for checkpoint and resume: its name, the number of steps taken and
/// its per-parameter buffers as tensors named `<buffer>.<parameter>` (e.g.
/// `exp_avg.layers.0.linear.weight`), so the state can be saved as safetensors too.
public struct OptimizerState: Sendable, Codable, Hashable {
    /// The optimizer's name (`SGD`, `Adam`, `AdamW`).
    public var optimizer: String
    /// Steps taken so far (bias corrections and SGD's first momentum step depend on it).
    public var stepCount: Int
    /// The state buffers.
    public var tensors: ParameterSet

    /// An optimizer state.
    public init(optimizer: String, stepCount: Int, tensors: ParameterSet) {
        self.optimizer = optimizer
        self.stepCount = stepCount
        self.tensors = tensors
    }
}
