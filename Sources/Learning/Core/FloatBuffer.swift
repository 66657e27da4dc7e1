/// An owned, 64-byte aligned, fixed-size run of Float32 values: the storage of parameters,
/// gradients and per-batch workspaces.
///
/// It is a class so that layers can hold pointers into it that stay valid for its lifetime;
/// it never reallocates. Elements start zeroed.
final class FloatBuffer {
    /// The first element; valid for `count` elements while the buffer lives.
    let base: UnsafeMutablePointer<Float>
    /// The number of elements.
    let count: Int

    /// Allocates `count` zeroed elements (at least one slot is allocated so `base` is valid).
    init(count: Int) {
        precondition(count >= 0, "a buffer cannot have a negative size")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit {
        UnsafeMutableRawPointer(base).deallocate()
    }

    /// A pointer `offset` elements into the buffer.
    @inline(__always)
    func pointer(at offset: Int) -> UnsafeMutablePointer<Float> {
        base + offset
    }

    /// Sets every element to zero.
    func zero() {
        base.update(repeating: 0, count: count)
    }

    /// The elements as an array.
    var array: [Float] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// Copies `values` (which must have `count` elements) into the buffer.
    func copy(from values: [Float]) {
        precondition(values.count == count, "buffer size mismatch")
        values.withUnsafeBufferPointer { source in
            if let start = source.baseAddress {
                base.update(from: start, count: count)
            }
        }
    }
}

/// A row-major matrix view into a buffer: `rows` × `columns` elements from `base`, rows
/// `stride` elements apart (`stride` ≥ `columns`, larger when the view is a column block of a
/// wider matrix, as in a concatenation).
struct MatrixView {
    /// The first element.
    var base: UnsafeMutablePointer<Float>
    /// The number of rows.
    var rows: Int
    /// The number of columns.
    var columns: Int
    /// The distance in elements between the starts of consecutive rows.
    var stride: Int

    /// A dense view (stride equal to the column count).
    init(_ base: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        self.base = base
        self.rows = rows
        self.columns = columns
        self.stride = columns
    }

    /// A view with an explicit row stride.
    init(_ base: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int) {
        self.base = base
        self.rows = rows
        self.columns = columns
        self.stride = stride
    }

    /// The start of row `r`.
    @inline(__always)
    func row(_ r: Int) -> UnsafeMutablePointer<Float> {
        base + r * stride
    }
}

/// An owned, fixed-size run of Int32 values (category codes and labels of a batch).
final class CodeBuffer {
    /// The first element; valid for `count` elements while the buffer lives.
    let base: UnsafeMutablePointer<Int32>
    /// The number of elements.
    let count: Int

    /// Allocates `count` zeroed elements.
    init(count: Int) {
        self.count = count
        base = UnsafeMutablePointer<Int32>.allocate(capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit {
        base.deallocate()
    }
}
