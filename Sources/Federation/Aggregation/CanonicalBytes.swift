/// An unambiguous byte encoding of the fields that signatures and key derivations bind.
///
/// Every string is length-prefixed and every integer has a fixed width, so no two
/// different field sequences encode to the same bytes (JSON gives no such guarantee).
struct CanonicalBytes {
    private(set) var bytes: [UInt8] = []

    /// Starts an encoding with a domain-separation label, so bytes made for one purpose
    /// never verify or derive for another.
    init(domain: String) {
        append(domain)
    }

    mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Int) {
        append(UInt64(bitPattern: Int64(value)))
    }

    mutating func append(_ value: String) {
        let utf8 = Array(value.utf8)
        append(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func append(bytes other: some Sequence<UInt8>) {
        let other = Array(other)
        append(UInt64(other.count))
        bytes.append(contentsOf: other)
    }
}
