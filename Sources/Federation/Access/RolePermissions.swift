/// What each role allows, per task kind: the single table pods consult when
/// they judge a request, and that the README shows (`markdown`).
public enum RolePermissions {
    /// A role's answer for one task kind.
    public enum Permission: String, Sendable, Codable, Equatable {
        /// The role allows the task.
        case allowed
        /// The role allows the task only with differential privacy, which bf offers for
        /// train tasks; other kinds are refused.
        case onlyWithDifferentialPrivacy = "only with differential privacy"
        /// The role does not allow the task.
        case denied = "not allowed"
    }

    /// The table: role → task kind → permission.
    public static func permission(_ role: Role, for task: TaskKind) -> Permission {
        switch (role, task) {
        case (.superModeller, _):
            return .allowed
        case (.generalModeller, .schema), (.generalModeller, .train), (.generalModeller, .evaluate), (.generalModeller, .sql):
            return .allowed
        case (.generalModeller, .predict):
            return .denied
        case (.dpModeller, .schema):
            return .allowed
        case (.dpModeller, _):
            return .onlyWithDifferentialPrivacy
        case (.schemaViewer, .schema):
            return .allowed
        case (.schemaViewer, _):
            return .denied
        }
    }

    /// The roles that allow `task`, most specific first (the one to ask for).
    public static func rolesAllowing(_ task: TaskKind) -> [Role] {
        Role.allCases.reversed().filter { permission($0, for: task) == .allowed }
    }

    /// The table in Markdown: one row per role, one column per task kind.
    public static var markdown: String {
        let kinds = TaskKind.allCases
        var lines = ["| role | " + kinds.map(\.rawValue).joined(separator: " | ") + " |",
                     "|---|" + kinds.map { _ in "---" }.joined(separator: "|") + "|"]
        for role in Role.allCases {
            let cells = kinds.map { kind -> String in
                switch permission(role, for: kind) {
                case .allowed: return "yes"
                case .onlyWithDifferentialPrivacy: return kind == .train ? "with DP only" : "with DP only (refused: no DP for these)"
                case .denied: return "no"
                }
            }
            lines.append("| `\(role.rawValue)` | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
