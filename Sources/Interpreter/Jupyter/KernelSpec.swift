import Files
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// bf's Jupyter kernelspec: the folder `kernels/bf` that tells Jupyter how to start the bf
/// kernel (`kernel.json`) and what to show for it (the logos). `bf jupyter install` writes it.
///
/// Where it goes follows `jupyter kernelspec install` on Linux: for the user, the Jupyter data
/// folder (`$JUPYTER_DATA_DIR`, else `$XDG_DATA_HOME/jupyter`, else
/// `~/.local/share/jupyter`; `~/Library/Jupyter` on macOS); under a prefix (a virtual
/// environment), `PREFIX/share/jupyter`; for everyone, `/usr/local/share/jupyter`. Folders
/// are made readable by everyone and files too (a kernelspec holds nothing secret, and one
/// installed for everyone must be readable by everyone), whatever bf's own umask.
public enum KernelSpec {
    /// Where to install.
    public enum Location: Sendable, Equatable {
        /// The user's Jupyter data folder.
        case user
        /// `PREFIX/share/jupyter`, for a Python environment or a custom tree.
        case prefix(String)
        /// `/usr/local/share/jupyter`, for every user of the machine.
        case system
    }

    /// The Jupyter data folder for `location`, with `environment` and `home` for the user's.
    public static func dataFolder(for location: Location, environment: [String: String], home: String) -> String {
        switch location {
        case .user:
            if let folder = environment["JUPYTER_DATA_DIR"], !folder.isEmpty { return folder }
            #if os(macOS)
            return (home as NSString).appendingPathComponent("Library/Jupyter")
            #else
            if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return (data as NSString).appendingPathComponent("jupyter") }
            return (home as NSString).appendingPathComponent(".local/share/jupyter")
            #endif
        case .prefix(let prefix):
            return (prefix as NSString).appendingPathComponent("share/jupyter")
        case .system:
            return "/usr/local/share/jupyter"
        }
    }

    /// The kernelspec's folder in a Jupyter data folder: `kernels/bf`.
    public static func folder(in dataFolder: String) -> String {
        (dataFolder as NSString).appendingPathComponent("kernels/" + JupyterLanguage.kernelName)
    }

    /// `kernel.json`: start `executable` as `bf kernel -f {connection_file}`, interrupt it with
    /// SIGINT (bf stops long work at a safe point, as on Ctrl-C).
    public static func kernelJSON(executable: String, version: String) throws -> Data {
        let spec: [String: Any] = [
            "argv": [executable, "kernel", "-f", "{connection_file}"],
            "display_name": JupyterLanguage.displayName,
            "language": JupyterLanguage.name,
            "interrupt_mode": "signal",
            "metadata": ["debugger": false, "bf_version": version] as [String: Any],
        ]
        return Data(try JupyterJSON.text(spec).utf8)
    }

    /// The files of the kernelspec, by name.
    public static func files(executable: String, version: String) throws -> [(name: String, contents: Data)] {
        [("kernel.json", try kernelJSON(executable: executable, version: version)),
         ("logo-svg.svg", Data(KernelLogo.svg.utf8)),
         ("logo-32x32.png", KernelLogo.png(size: 32)),
         ("logo-64x64.png", KernelLogo.png(size: 64))]
    }

    /// Writes the kernelspec into `dataFolder`, making the folders it needs, and returns the
    /// kernelspec's folder. Files of an earlier install are replaced.
    public static func install(in dataFolder: String, executable: String, version: String) throws -> String {
        let folder = self.folder(in: dataFolder)
        try makeFolder(folder)
        for file in try files(executable: executable, version: version) {
            let path = (folder as NSString).appendingPathComponent(file.name)
            try AtomicFile.write(file.contents, to: path)
            guard chmod(path, 0o644) == 0 else { throw FileError(.write, path: path, errno: errno) }
        }
        return folder
    }

    /// The path of the running program, for `kernel.json`'s `argv`: absolute, so Jupyter finds
    /// bf whatever its `PATH`.
    public static func runningExecutable() -> String? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), path.hasPrefix("/") {
            return path
        }
        #endif
        guard let path = Bundle.main.executablePath ?? CommandLine.arguments.first, !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Makes `path` and the folders above it that are missing, each readable by everyone.
    private static func makeFolder(_ path: String) throws(FileError) {
        var status = stat()
        if stat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else { throw FileError(.write, path: path, reason: "it is there and is not a folder") }
            return
        }
        guard errno == ENOENT else { throw FileError(.write, path: path, errno: errno) }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeFolder(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw FileError(.write, path: path, errno: errno) }
        guard chmod(path, 0o755) == 0 else { throw FileError(.write, path: path, errno: errno) }
    }
}
