/// The declaration of one model tensor: its name, shape and whether the optimizer trains it
/// (weights and biases) or the forward pass maintains it (batch-norm running statistics).
struct ParameterDeclaration {
    /// The tensor's name.
    var name: String
    /// The tensor's shape.
    var shape: [Int]
    /// True for tensors with a gradient that the optimizer updates.
    var trainable: Bool
    /// The number of elements.
    var count: Int { shape.reduce(1, *) }
}

/// Where a model's tensors live: all trainable values back to back in one buffer with a
/// gradient buffer of the same layout (so the optimizer and FedProx are single loops), and the
/// running statistics in a third buffer.
///
/// Layers keep pointers into these buffers; the buffers never move.
final class ParameterStore {
    /// One declared tensor and its offset inside its buffer.
    struct Entry {
        /// The declaration.
        var declaration: ParameterDeclaration
        /// The offset in `values`/`gradients` (trainable) or `statistics` (not trainable).
        var offset: Int
    }

    /// The tensors in declaration order.
    let entries: [Entry]
    /// Trainable values.
    let values: FloatBuffer
    /// Gradients of the trainable values, same layout as `values`.
    let gradients: FloatBuffer
    /// Running statistics.
    let statistics: FloatBuffer
    private let index: [String: Int]

    /// Allocates zeroed storage for `declarations`; names must be unique.
    init(_ declarations: [ParameterDeclaration]) {
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        var trainableOffset = 0
        var statisticOffset = 0
        for declaration in declarations {
            precondition(index[declaration.name] == nil, "tensor \(declaration.name) declared twice")
            index[declaration.name] = entries.count
            if declaration.trainable {
                entries.append(Entry(declaration: declaration, offset: trainableOffset))
                trainableOffset += declaration.count
            } else {
                entries.append(Entry(declaration: declaration, offset: statisticOffset))
                statisticOffset += declaration.count
            }
        }
        self.entries = entries
        self.index = index
        values = FloatBuffer(count: trainableOffset)
        gradients = FloatBuffer(count: trainableOffset)
        statistics = FloatBuffer(count: statisticOffset)
    }

    /// The number of trainable elements.
    var trainableCount: Int { values.count }

    /// The values of tensor `name` (which must be declared).
    func value(_ name: String) -> UnsafeMutablePointer<Float> {
        let entry = self.entry(name)
        return entry.declaration.trainable ? values.pointer(at: entry.offset) : statistics.pointer(at: entry.offset)
    }

    /// The gradient of trainable tensor `name` (which must be declared trainable).
    func gradient(_ name: String) -> UnsafeMutablePointer<Float> {
        let entry = self.entry(name)
        precondition(entry.declaration.trainable, "tensor \(name) has no gradient")
        return gradients.pointer(at: entry.offset)
    }

    private func entry(_ name: String) -> Entry {
        guard let position = index[name] else {
            preconditionFailure("tensor \(name) was never declared")
        }
        return entries[position]
    }

    /// The tensors' descriptions, in order.
    var tensorDescriptions: [ParameterSet.Tensor] {
        entries.map { ParameterSet.Tensor(name: $0.declaration.name, shape: $0.declaration.shape) }
    }

    /// The names of the trainable tensors, in order.
    var trainableNames: [String] {
        entries.filter(\.declaration.trainable).map(\.declaration.name)
    }

    /// A copy of every tensor as a parameter set.
    func parameterSet() -> ParameterSet {
        var flat: [Float] = []
        flat.reserveCapacity(values.count + statistics.count)
        for entry in entries {
            let source = entry.declaration.trainable ? values : statistics
            flat.append(contentsOf: UnsafeBufferPointer(start: source.pointer(at: entry.offset), count: entry.declaration.count))
        }
        do {
            return try ParameterSet(tensors: tensorDescriptions, values: flat)
        } catch {
            preconditionFailure("a store's own layout is always a valid parameter set: \(error)")
        }
    }

    /// Copies every tensor of `set` into the store after checking that it has exactly the
    /// store's names and shapes (in any order) and only finite values.
    func load(_ set: ParameterSet) throws(LearningError) {
        var offsets: [String: (tensor: ParameterSet.Tensor, offset: Int)] = [:]
        var offset = 0
        for tensor in set.tensors {
            offsets[tensor.name] = (tensor, offset)
            offset += tensor.count
        }
        for entry in entries {
            guard let found = offsets[entry.declaration.name] else {
                throw .missingParameter(entry.declaration.name)
            }
            guard found.tensor.shape == entry.declaration.shape else {
                throw .parameterShapeMismatch(name: entry.declaration.name, expected: entry.declaration.shape, found: found.tensor.shape)
            }
        }
        if let extra = set.tensors.first(where: { index[$0.name] == nil }) {
            throw .unexpectedParameter(extra.name)
        }
        if let broken = set.firstNonFiniteTensor {
            throw .nonFiniteParameter(broken)
        }
        set.values.withUnsafeBufferPointer { source in
            guard let start = source.baseAddress else { return }
            for entry in entries {
                guard let found = offsets[entry.declaration.name] else { continue }
                let target = entry.declaration.trainable ? values : statistics
                target.pointer(at: entry.offset).update(from: start + found.offset, count: entry.declaration.count)
            }
        }
    }

    /// The flat trainable values of `set` laid out in this store's order (for FedProx's
    /// reference point); `set` must be loadable into this store.
    func trainableLayout(of set: ParameterSet) throws(LearningError) -> FloatBuffer {
        let buffer = FloatBuffer(count: values.count)
        for entry in entries where entry.declaration.trainable {
            guard let range = set.range(of: entry.declaration.name) else {
                throw .missingParameter(entry.declaration.name)
            }
            guard set.shape(of: entry.declaration.name) == entry.declaration.shape else {
                throw .parameterShapeMismatch(name: entry.declaration.name, expected: entry.declaration.shape, found: set.shape(of: entry.declaration.name) ?? [])
            }
            set.values.withUnsafeBufferPointer { source in
                guard let start = source.baseAddress else { return }
                buffer.pointer(at: entry.offset).update(from: start + range.lowerBound, count: range.count)
            }
        }
        return buffer
    }
}
