/// A model's parameters as named Float32 tensors in a fixed order, stored back to back in one
/// flat array: what pods send after a round and what federated averaging combines.
///
/// Batch-norm running statistics are included, so a parameter set restores a model
/// completely. Arithmetic between two sets requires the same names and shapes in the same
/// order and reports the first difference otherwise.
public struct ParameterSet: Sendable, Hashable, Codable {
    /// One tensor's name and shape.
    public struct Tensor: Sendable, Hashable, Codable {
        /// The tensor's name, e.g. `layers.0.linear.weight`.
        public let name: String
        /// The tensor's shape, outermost dimension first.
        public let shape: [Int]
        /// The number of elements (product of the shape).
        public var count: Int { shape.reduce(1, *) }

        /// The product of a shape of non-negative dimensions, or nil when multiplying them in
        /// order passes `Int.max` (as `count` would).
        static func elementCount(of shape: [Int]) -> Int? {
            var product = 1
            for dimension in shape {
                let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
                if overflow { return nil }
                product = next
            }
            return product
        }

        /// A tensor description.
        public init(name: String, shape: [Int]) {
            self.name = name
            self.shape = shape
        }
    }

    /// The tensors in order.
    public private(set) var tensors: [Tensor]
    /// All elements, tensor after tensor, each row-major.
    public private(set) var values: [Float]

    /// A parameter set from tensor descriptions and their values laid end to end.
    public init(tensors: [Tensor], values: [Float]) throws(LearningError) {
        var names = Set<String>()
        var total = 0
        for tensor in tensors {
            guard names.insert(tensor.name).inserted else {
                throw .invalidTensor(name: tensor.name, reason: "the name appears twice; give each tensor once")
            }
            guard tensor.shape.allSatisfy({ $0 >= 0 }) else {
                throw .invalidTensor(name: tensor.name, reason: "shape \(tensor.shape) has a negative dimension")
            }
            // Shapes arrive from other machines: a product or sum past Int.max is refused, not a crash.
            guard let count = Tensor.elementCount(of: tensor.shape),
                  case let (sum, overflow) = total.addingReportingOverflow(count), !overflow else {
                throw .invalidTensor(name: tensor.name, reason: "shape \(tensor.shape) is too large: its dimensions multiply past \(Int.max)")
            }
            total = sum
        }
        guard total == values.count else {
            throw .flatParameterCount(expected: total, found: values.count)
        }
        self.tensors = tensors
        self.values = values
    }

    /// A parameter set from (name, shape, values) triples.
    public init(_ entries: [(name: String, shape: [Int], values: [Float])]) throws(LearningError) {
        var flat: [Float] = []
        flat.reserveCapacity(entries.reduce(0) { $0 + $1.values.count })
        for entry in entries {
            let expected = entry.shape.reduce(1, *)
            guard entry.values.count == expected else {
                throw .invalidTensor(name: entry.name, reason: "shape \(entry.shape) needs \(expected) values but \(entry.values.count) were given")
            }
            flat.append(contentsOf: entry.values)
        }
        try self.init(tensors: entries.map { Tensor(name: $0.name, shape: $0.shape) }, values: flat)
    }

    /// The tensor names in order.
    public var names: [String] { tensors.map(\.name) }

    /// The total number of elements.
    public var elementCount: Int { values.count }

    /// The shape of the tensor called `name`, or nil.
    public func shape(of name: String) -> [Int]? {
        tensors.first { $0.name == name }?.shape
    }

    /// The values of the tensor called `name`, or nil.
    public func values(of name: String) -> [Float]? {
        guard let range = range(of: name) else { return nil }
        return Array(values[range])
    }

    /// Replaces the values of the tensor called `name`.
    public mutating func setValues(_ newValues: [Float], of name: String) throws(LearningError) {
        guard let range = range(of: name) else { throw .missingParameter(name) }
        guard range.count == newValues.count else {
            throw .invalidTensor(name: name, reason: "it holds \(range.count) values but \(newValues.count) were given")
        }
        values.replaceSubrange(range, with: newValues)
    }

    /// The index range of tensor `name` inside `values`.
    public func range(of name: String) -> Range<Int>? {
        var offset = 0
        for tensor in tensors {
            if tensor.name == name { return offset..<(offset + tensor.count) }
            offset += tensor.count
        }
        return nil
    }

    /// Throws unless `other` has the same tensor names and shapes in the same order.
    public func checkCompatible(with other: ParameterSet) throws(LearningError) {
        guard tensors.count == other.tensors.count else {
            throw .parameterSetsIncompatible("one has \(tensors.count) tensors, the other \(other.tensors.count)")
        }
        for (mine, theirs) in zip(tensors, other.tensors) where mine != theirs {
            throw .parameterSetsIncompatible("'\(mine.name)' \(mine.shape) meets '\(theirs.name)' \(theirs.shape) at the same position")
        }
    }

    /// The element-wise sum of two compatible sets.
    public func adding(_ other: ParameterSet) throws(LearningError) -> ParameterSet {
        try checkCompatible(with: other)
        var result = self
        result.values.withUnsafeMutableBufferPointer { target in
            other.values.withUnsafeBufferPointer { source in
                for i in 0..<target.count { target[i] += source[i] }
            }
        }
        return result
    }

    /// The element-wise difference self − other of two compatible sets.
    public func subtracting(_ other: ParameterSet) throws(LearningError) -> ParameterSet {
        try checkCompatible(with: other)
        var result = self
        result.values.withUnsafeMutableBufferPointer { target in
            other.values.withUnsafeBufferPointer { source in
                for i in 0..<target.count { target[i] -= source[i] }
            }
        }
        return result
    }

    /// Every element multiplied by `factor`.
    public func scaled(by factor: Float) -> ParameterSet {
        var result = self
        result.values.withUnsafeMutableBufferPointer { target in
            for i in 0..<target.count { target[i] *= factor }
        }
        return result
    }

    /// Σ weightᵢ·setᵢ over compatible sets, accumulated in Double and rounded once, so the
    /// result does not depend on rounding along the way (only on the order of the terms).
    public static func weightedSum(_ terms: [(set: ParameterSet, weight: Double)]) throws(LearningError) -> ParameterSet {
        guard let first = terms.first else {
            throw .parameterSetsIncompatible("a weighted sum needs at least one parameter set")
        }
        var accumulator = [Double](repeating: 0, count: first.set.values.count)
        for term in terms {
            try first.set.checkCompatible(with: term.set)
            let weight = term.weight
            accumulator.withUnsafeMutableBufferPointer { target in
                term.set.values.withUnsafeBufferPointer { source in
                    for i in 0..<target.count { target[i] += weight * Double(source[i]) }
                }
            }
        }
        var result = first.set
        result.values = accumulator.map { Float($0) }
        return result
    }

    /// All elements in order (the same as `values`), for transport and secure aggregation.
    public var flattened: [Float] { values }

    /// A set with this set's tensors and the given flat values.
    public func replacingValues(with flat: [Float]) throws(LearningError) -> ParameterSet {
        guard flat.count == values.count else {
            throw .flatParameterCount(expected: values.count, found: flat.count)
        }
        var result = self
        result.values = flat
        return result
    }

    /// The first tensor holding a NaN or infinity, or nil when all values are finite.
    public var firstNonFiniteTensor: String? {
        var offset = 0
        for tensor in tensors {
            for i in offset..<(offset + tensor.count) where !values[i].isFinite {
                return tensor.name
            }
            offset += tensor.count
        }
        return nil
    }
}
