/// The tutorials bf carries inside its binary, so `bf tutorial N` works wherever bf is
/// installed. Their text is generated from `scripts/tutorials` by `scripts/generate-tutorials`
/// into `TutorialSources.generated.swift`; a test fails when the two differ.
public enum TutorialCatalogue {
    /// One embedded tutorial script: its file name in `scripts/tutorials` and its text.
    public struct Source: Sendable, Equatable {
        /// The file name, e.g. `05_training_a_model_on_two_pods.bf`.
        public let fileName: String
        /// The file's text, byte for byte.
        public let text: String

        /// A script named `fileName` holding `text`.
        public init(fileName: String, text: String) {
            self.fileName = fileName
            self.text = text
        }
    }

    /// Whether a file of `scripts/tutorials` is a tutorial the walkthrough carries: its name
    /// starts with two digits and '_', it is a script or a task file, and it has a step header.
    /// `scripts/generate-tutorials` applies the same rule.
    public static func isTutorial(fileName: String, text: String) -> Bool {
        let digits = fileName.prefix(2)
        guard digits.count == 2, digits.allSatisfy({ $0.isASCII && $0.isNumber }), fileName.dropFirst(2).hasPrefix("_"),
              fileName.hasSuffix(".bf") || TaskFile.isTaskFile(fileName) else { return false }
        return text.split(separator: "\n").contains { $0.hasPrefix(Tutorial.stepMarker) }
    }

    /// Every tutorial, in number order.
    public static func tutorials() throws(TutorialFormatError) -> [Tutorial] {
        var tutorials: [Tutorial] = []
        for source in sources {
            tutorials.append(try Tutorial.parse(source.text, fileName: source.fileName))
        }
        return tutorials.sorted { $0.number < $1.number }
    }

    /// The tutorial numbered `number`, or nil when there is none.
    public static func tutorial(number: Int) throws(TutorialFormatError) -> Tutorial? {
        try tutorials().first { $0.number == number }
    }
}
