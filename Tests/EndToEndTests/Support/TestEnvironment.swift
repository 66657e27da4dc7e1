import Foundation

/// A scratch home directory for one test, and the environment a program started in it sees.
final class TestEnvironment {
    /// The scratch directory; removed when the environment is released.
    let directory: URL

    /// A fresh, empty scratch directory.
    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("bf-e2e-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// `$XDG_STATE_HOME` of `variables()` when it keeps the XDG state directory.
    var stateDirectory: URL { directory.appendingPathComponent("state", isDirectory: true) }

    /// A terminal's environment with HOME, (unless `withBFHome` is false) BF_HOME and (unless
    /// `withStateHome` is false) XDG_STATE_HOME inside the scratch directory, plus `extra`.
    func variables(withStateHome: Bool = true, withBFHome: Bool = true, extra: [String: String] = [:]) -> [String: String] {
        var variables = [
            "TERM": "xterm",
            "LANG": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
        ]
        if withBFHome {
            variables["BF_HOME"] = directory.appendingPathComponent(".bf").path
        }
        if withStateHome {
            variables["XDG_STATE_HOME"] = stateDirectory.path
        }
        variables.merge(extra) { _, new in new }
        return variables
    }
}
