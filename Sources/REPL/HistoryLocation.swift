import Foundation

/// Where the REPL keeps its history: `$BF_HOME/history` when `BF_HOME` is set, else
/// `$XDG_STATE_HOME/bf/history` when `XDG_STATE_HOME` is set, else `~/.bf_history`.
enum HistoryLocation {
    /// The history file for `environment`, or nil when neither `BF_HOME`, `XDG_STATE_HOME` nor
    /// a home directory is known (the history then lives only in memory).
    ///
    /// A home set explicitly keeps its history: a scratch `BF_HOME` leaves no trace of its
    /// session in the user's own history. A relative `BF_HOME` is taken from
    /// `currentDirectory`, as the hub takes it. An empty or relative `XDG_STATE_HOME` is
    /// ignored, as the XDG base directory specification requires. `homeDirectory` is
    /// consulted only when `HOME` is not set.
    static func file(environment: [String: String], homeDirectory: String? = nil,
                     currentDirectory: String = FileManager.default.currentDirectoryPath) -> String? {
        if let bfHome = environment["BF_HOME"], !bfHome.isEmpty {
            let absolute = bfHome.hasPrefix("/") ? bfHome : (currentDirectory as NSString).appendingPathComponent(bfHome)
            return (absolute as NSString).appendingPathComponent("history")
        }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return (state as NSString).appendingPathComponent("bf/history")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? homeDirectory
        guard let home else { return nil }
        return (home as NSString).appendingPathComponent(".bf_history")
    }
}
