import Diagnostics
import Foundation

/// A modeller's role on a pod, granted by the pod's owner.
///
/// What each role may do is in `RolePermissions`, the one table the pods
/// consult and the README shows.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    /// Everything; a pod's owner holds it.
    case superModeller = "super_modeller"
    /// The built-in tasks: schema, training, evaluation, SQL aggregates.
    case generalModeller = "general_modeller"
    /// Tasks with differential privacy only: differentially private training.
    case dpModeller = "dp_modeller"
    /// Seeing the schema (and checking access), nothing else.
    case schemaViewer = "schema_viewer"

    /// Parses a role name as written in commands (`general_modeller`,
    /// `general-modeller` or `General Modeller`).
    public init(parsing text: String) throws(RoleError) {
        let normalized = text.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        guard let role = Role(rawValue: normalized) else {
            throw .unknownRole(text, suggestion: Suggestion.closest(to: normalized, among: Role.allCases.map(\.rawValue)))
        }
        self = role
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// A role name that bf does not know.
public enum RoleError: FederationError, Equatable {
    /// `text` names no role.
    case unknownRole(String, suggestion: String?)

    public var problems: [Problem] {
        switch self {
        case let .unknownRole(text, suggestion):
            let roles = Role.allCases.map(\.rawValue).joined(separator: ", ")
            return [Problem("there is no role \(quoted(text))",
                            help: (suggestion.map { "did you mean \(quoted($0))? " } ?? "") + "the roles are \(roles)")]
        }
    }
}
