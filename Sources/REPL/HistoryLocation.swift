import Foundation

/// Where the REPL keeps its history: `$XDG_STATE_HOME/bf/history` when `XDG_STATE_HOME` is
/// set, else `~/.bf_history`.
enum HistoryLocation {
    /// The history file for `environment`, or nil when neither `XDG_STATE_HOME` nor a home
    /// directory is known (the history then lives only in memory).
    ///
    /// An empty or relative `XDG_STATE_HOME` is ignored, as the XDG base directory
    /// specification requires. `homeDirectory` is consulted only when `HOME` is not set.
    static func file(environment: [String: String], homeDirectory: String? = nil) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return (state as NSString).appendingPathComponent("bf/history")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? homeDirectory
        guard let home else { return nil }
        return (home as NSString).appendingPathComponent(".bf_history")
    }
}
