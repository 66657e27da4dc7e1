import Diagnostics
/// A pod's name on the hub: `owner/name`, as Bitfount writes it.
///
/// Both parts are lower-case letters, digits, `-`, `_` and `.`, starting with
/// a letter or digit, at most 64 characters. A bare `name` is resolved by
/// `Hub.resolvePod(_:)`.
public struct PodIdentifier: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The user who owns the pod.
    public let owner: String
    /// The pod's name, unique per owner.
    public let name: String

    /// An identifier from its parts, checked.
    public init(owner: String, name: String) throws(PodIdentifierError) {
        guard Self.isValidPart(owner) else { throw .invalidOwner(owner) }
        guard Self.isValidPart(name) else { throw .invalidName(name) }
        self.owner = owner
        self.name = name
    }

    /// Parses `owner/name`.
    public init(parsing text: String) throws(PodIdentifierError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .notOwnerSlashName(text) }
        try self.init(owner: String(parts[0]), name: String(parts[1]))
    }

    /// `owner/name`.
    public var description: String { "\(owner)/\(name)" }

    public static func < (lhs: PodIdentifier, rhs: PodIdentifier) -> Bool {
        (lhs.owner, lhs.name) < (rhs.owner, rhs.name)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Whether `part` may be an owner or a pod name.
    static func isValidPart(_ part: String) -> Bool {
        guard let first = part.unicodeScalars.first, part.unicodeScalars.count <= 64,
              ("0"..."9").contains(first) || ("a"..."z").contains(first) else { return false }
        return part.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar == "."
        }
    }
}

/// Why text is not a pod identifier or user name.
public enum PodIdentifierError: FederationError, Equatable {
    /// The text is not of the form `owner/name`.
    case notOwnerSlashName(String)
    /// The owner part has characters a user name cannot have.
    case invalidOwner(String)
    /// The name part has characters a pod name cannot have.
    case invalidName(String)

    /// What a pod or user name may be made of, as the help of an error says it.
    static let nameRule = "use at most 64 lower-case letters, digits, '-', '_' and '.', starting with a letter or digit"

    public var problems: [Problem] {
        let rule = Self.nameRule
        switch self {
        case let .notOwnerSlashName(text):
            return [Problem("\(quoted(text)) is not a pod identifier", help: "write it as owner/name, e.g. 'alice/census-income-demo', or as a bare pod name")]
        case let .invalidOwner(owner):
            return [Problem("\(quoted(owner)) is not a valid user name", help: rule)]
        case let .invalidName(name):
            return [Problem("\(quoted(name)) is not a valid pod name", help: rule)]
        }
    }
}
