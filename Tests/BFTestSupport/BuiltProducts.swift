import Foundation

/// Where SwiftPM put the executables the tests run (`bf`, `repl-fixture`, the benchmark
/// drivers): every product of a build sits in one folder, and on Linux the tests run as
/// `.build/debug/bfPackageTests.xctest` in it; on macOS the test binary is nested inside the
/// `.xctest` bundle, whose folder is searched upwards. `BF_BINARY` in the environment names
/// another `bf`.
public enum BuiltProducts {
    /// The path of the built executable `name`, or an error saying where it looked.
    public static func executable(_ name: String) throws -> String {
        var candidates: [URL] = []
        if name == "bf", let override = ProcessInfo.processInfo.environment["BF_BINARY"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name))
        var folder = Bundle.main.bundleURL
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent(name))
            folder = folder.deletingLastPathComponent()
        }
        candidates += Bundle.allBundles.filter { $0.bundlePath.hasSuffix(".xctest") }
            .map { $0.bundleURL.deletingLastPathComponent().appendingPathComponent(name) }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate.path
            }
        }
        throw BFBinaryError(description: """
            the '\(name)' executable was not found next to the test bundle; looked at:
            \(candidates.map { "  " + $0.path }.joined(separator: "\n"))
            build it first with 'swift build --product \(name)' (or run scripts/test, which builds it)\
            \(name == "bf" ? ", or set BF_BINARY to its path" : "")
            """)
    }
}
