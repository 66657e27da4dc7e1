/// What a column means to a model, as Bitfount names it.
///
/// Inference: numbers are continuous, booleans categorical, strings
/// categorical when they have at most 50 distinct values and on average two
/// rows per value, text otherwise (`ColumnTyping.isFewCategories`);
/// `force_stypes` and `ignore_cols` override. Bitfount reads every string
/// column as text unless forced, and its classifier then skips it; bf infers
/// the few-valued ones categorical so that a pod configured without
/// `force_stypes` still trains on them, while identifiers and free text stay
/// text. `image` is named for
/// compatibility with Bitfount configurations; CSV pods never infer it.
public enum SemanticType: String, Sendable, Codable, CaseIterable, Comparable {
    case categorical
    case continuous
    case text
    case image

    public static func < (lhs: SemanticType, rhs: SemanticType) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// How a column's values are stored, as read from the file.
public enum DataType: String, Sendable, Codable, CaseIterable {
    /// Every value is a whole number (`int64` in pandas' words).
    case integer = "int64"
    /// Every value is a number and some are not whole (`float64`).
    case float = "float64"
    /// Every value is `true` or `false`, in any letter case (`bool`).
    case boolean = "bool"
    /// Anything else (`object`, shown as `string`).
    case string

    /// True for `integer` and `float`.
    public var isNumeric: Bool { self == .integer || self == .float }
}
