import Foundation

/// Completes the file argument of `:load`, `:save` and `:report` from the directory listing.
enum FileCompletion {
    /// Candidates for the partly typed path `argument`: the entries of its directory that start
    /// with its last component, directories ending in '/'. Hidden entries are offered only when
    /// that component starts with '.'. The completion's `start` is the UTF-8 offset in
    /// `argument` where the last component begins, so listings show bare names.
    static func complete(_ argument: String, currentDirectory: String, homeDirectory: String?) -> Completion {
        let bytes = Array(argument.utf8)
        let componentStart = bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
        let directoryPart = String(decoding: bytes[..<componentStart], as: UTF8.self)
        let namePrefix = String(decoding: bytes[componentStart...], as: UTF8.self)
        guard let directory = directoryToList(directoryPart, currentDirectory: currentDirectory,
                                              homeDirectory: homeDirectory),
              let entries = try? FileManager.default.contentsOfDirectory(atPath: directory)
        else { return Completion(start: componentStart, candidates: []) }
        let showHidden = namePrefix.hasPrefix(".")
        let candidates = entries
            .filter { $0.hasPrefix(namePrefix) && (showHidden || !$0.hasPrefix(".")) }
            .map { entry in
                var isDirectory: ObjCBool = false
                let path = (directory as NSString).appendingPathComponent(entry)
                let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                return exists && isDirectory.boolValue ? entry + "/" : entry
            }
            .sorted()
        return Completion(start: componentStart, candidates: candidates)
    }

    // "" lists the current directory, "~/x/" the home directory's x, "/x/" is absolute and
    // anything else is relative to the current directory. "~user/" is not expanded.
    private static func directoryToList(_ part: String, currentDirectory: String, homeDirectory: String?) -> String? {
        if part.isEmpty {
            return currentDirectory
        }
        if part.hasPrefix("~/") {
            return homeDirectory.map { ($0 as NSString).appendingPathComponent(String(part.dropFirst(2))) }
        }
        if part.hasPrefix("~") {
            return nil
        }
        if part.hasPrefix("/") {
            return part
        }
        return (currentDirectory as NSString).appendingPathComponent(part)
    }
}
