/// Maps a categorical column's values to 0…n−1 in sorted order.
///
/// Values are sorted numerically when they are numbers, `False` before
/// `True` for booleans, and by Unicode scalar order otherwise. Every pod of a
/// task must have the same values, so the same value gets the same code at
/// every pod.
public struct CategoricalEncoder: Sendable, Codable, Equatable {
    /// The values in code order.
    public let values: [String]
    private let codes: [String: Int]

    /// An encoder over `values`, which must be distinct and already sorted.
    public init(sortedValues values: [String]) {
        self.values = values
        var codes: [String: Int] = [:]
        codes.reserveCapacity(values.count)
        for (code, value) in values.enumerated() { codes[value] = code }
        self.codes = codes
    }

    /// The code of `value`, or nil when the column never holds it.
    public func code(for value: String) -> Int? { codes[value] }

    /// The number of distinct values.
    public var count: Int { values.count }

    /// Only the values are stored; the lookup table is rebuilt.
    enum CodingKeys: String, CodingKey { case values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(sortedValues: try container.decode([String].self, forKey: .values))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(values, forKey: .values)
    }

    /// Sorts distinct values the way encoders order them for `dataType`.
    static func sorted(_ values: [String], as dataType: DataType) -> [String] {
        switch dataType {
        case .integer, .float:
            return values.sorted { (Double($0) ?? 0, $0) < (Double($1) ?? 0, $1) }
        case .boolean:
            return values.sorted { ($0.lowercased() == "true" ? 1 : 0, $0) < ($1.lowercased() == "true" ? 1 : 0, $1) }
        case .string:
            return values.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        }
    }
}
