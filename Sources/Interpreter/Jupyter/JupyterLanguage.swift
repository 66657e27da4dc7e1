/// bf as Jupyter knows it: the language and kernel names, and the `language_info` that both
/// the kernel's `kernel_info_reply` and a notebook's metadata carry. One definition, so that a
/// notebook `bf jupyter notebook` writes and the kernel that runs it describe bf the same way.
///
/// bf's syntax is a subset of Python's (with a few words of its own), so front ends colour it
/// with their Python modes: CodeMirror's `python` and Pygments' `python` lexer.
public enum JupyterLanguage {
    /// The kernel's name: its folder `kernels/bf` and a notebook's `kernelspec.name`.
    public static let kernelName = "bf"
    /// The name front ends show for the kernel.
    public static let displayName = "bf"
    /// The language's name.
    public static let name = "bf"
    /// The extension of bf scripts, with its dot.
    public static let fileExtension = ".bf"
    /// The MIME type of bf source.
    public static let mimeType = "text/x-bf"
    /// The CodeMirror mode front ends highlight bf with.
    public static let codeMirrorMode = "python"
    /// The Pygments lexer for bf when a notebook is converted (nbconvert).
    public static let pygmentsLexer = "python"

    /// `language_info` as a Codable value, keyed as the Jupyter protocol and nbformat spell it.
    public struct Info: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        public var mimetype: String
        public var fileExtension: String
        public var codemirrorMode: String
        public var pygmentsLexer: String

        enum CodingKeys: String, CodingKey {
            case name, version, mimetype
            case fileExtension = "file_extension"
            case codemirrorMode = "codemirror_mode"
            case pygmentsLexer = "pygments_lexer"
        }
    }

    /// bf's `language_info` for bf `version` (the language is versioned with bf).
    public static func languageInfo(version: String) -> Info {
        Info(name: name, version: version, mimetype: mimeType, fileExtension: fileExtension, codemirrorMode: codeMirrorMode,
             pygmentsLexer: pygmentsLexer)
    }

    /// bf's `language_info` for bf `version`, as a dictionary for `JSONSerialization`:
    /// `name`, `version`, `mimetype`, `file_extension`, `codemirror_mode`, `pygments_lexer`.
    public static func info(version: String) -> [String: Any] {
        let info = languageInfo(version: version)
        return ["name": info.name, "version": info.version, "mimetype": info.mimetype, "file_extension": info.fileExtension,
                "codemirror_mode": info.codemirrorMode, "pygments_lexer": info.pygmentsLexer]
    }

    /// A notebook's `metadata.kernelspec`: which kernel runs it.
    public static var kernelspec: [String: String] {
        ["name": kernelName, "display_name": displayName, "language": name]
    }
}
