import Foundation

/// The distinct values of one column, each stored once, keyed by their bytes.
///
/// An open-addressing hash table over a byte arena: interning a field that was
/// seen before costs one hash and one comparison and allocates nothing, which
/// is what keeps loading a 45,000-row file in budget. Codes count from 0 in
/// order of first appearance.
struct ValueInterner {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    /// An empty interner.
    init() {
        slots = [Int32](repeating: -1, count: 64)
        mask = 63
    }

    /// The number of distinct values.
    var count: Int { hashes.count }

    /// The code of `bytes`, adding it when new.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> (code: Int32, isNew: Bool) {
        let hash = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let code = slots[slot]
            if code < 0 { break }
            if hashes[Int(code)] == hash && equals(Int(code), bytes) {
                return (code, false)
            }
            slot = (slot + 1) & mask
        }
        let code = Int32(hashes.count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        slots[slot] = code
        if hashes.count * 2 > slots.count { grow() }
        return (code, true)
    }

    /// Calls `body` with the bytes of value `code`.
    func withValue<R>(_ code: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try arena.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[starts[code]..<starts[code + 1]]))
        }
    }

    /// Value `code` as a string; values are checked to be UTF-8 when interned.
    func string(_ code: Int) -> String {
        withValue(code) { String(decoding: $0, as: UTF8.self) }
    }

    private func equals(_ code: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[code]
        let length = starts[code + 1] - start
        guard length == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress, let other = bytes.baseAddress else { return length == 0 }
            return memcmp(base + start, other, length) == 0
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (code, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(code)
        }
    }

    /// FNV-1a over the bytes, then a final avalanche so that the low bits
    /// used for the slot depend on every byte.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = FNV1a.hash(bytes)
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}
