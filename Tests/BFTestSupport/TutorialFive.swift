import Foundation

/// The code cells of Bitfount's tutorial 5 notebook ("Training a model on two pods"), as a
/// user pastes them into bf: the one copy every test that pastes them reads. What the
/// notebook shares with bf's tutorial (`scripts/tutorials/05_training_a_model_on_two_pods.bf`)
/// is read from the tutorial.
public enum TutorialFive {
    /// The tutorial's text.
    public static let tutorial: String = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/tutorials/05_training_a_model_on_two_pods.bf")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { preconditionFailure("cannot read \(file.path)") }
        return text
    }()

    /// The tutorial's statement that starts with `start`, through the line that closes its
    /// brackets.
    public static func statement(startingWith start: String) -> String {
        let lines = tutorial.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.firstIndex(where: { $0.hasPrefix(start) }) else {
            preconditionFailure("tutorial 5 has no statement starting with '\(start)'")
        }
        var depth = 0
        var statement: [Substring] = []
        for line in lines[first...] {
            statement.append(line)
            depth += line.filter { "([{".contains($0) }.count - line.filter { ")]}".contains($0) }.count
            if depth <= 0 { break }
        }
        return statement.joined(separator: "\n")
    }

    /// The imports and the event loop's set-up.
    public static let importCell = """
        import logging
        from pathlib import Path

        import nest_asyncio

        from bitfount import (
            BitfountSchema,
            DataStructure,
            Optimizer,
            PyTorchTabularClassifier,
            SecureAggregator,
            combine_pod_schemas,
            get_pod_schema,
        )
        from bitfount.runners.utils import setup_loggers

        nest_asyncio.apply()  # Needed because Jupyter also has an asyncio loop
        """

    public static let loggersCell = """
        loggers = setup_loggers([logging.getLogger("bitfount")])
        """

    /// The pods, the data structure and the combined schema: the first half of the notebook's
    /// third cell, as the tutorial has them.
    public static let schemaLines = ["first_pod_identifier =", "second_pod_identifier =", "datastructure = DataStructure(",
                                     "schema = combine_pod_schemas("].map(statement(startingWith:)).joined(separator: "\n")

    /// The classifier: the second half of the third cell.
    public static let modelLines = statement(startingWith: "model = PyTorchTabularClassifier(")

    /// The training, keeping its results as the tutorial does.
    public static let fitStatement = statement(startingWith: "results = model.fit(")

    /// The training, as the notebook's cell has it.
    public static let fitCell = String(fitStatement.dropFirst("results = ".count))

    public static let saveCell = """
        model_out = Path("part_5_model.pt")
        model.serialize(model_out)
        """

    /// Every cell, in the notebook's order.
    public static let cells = [importCell, loggersCell, schemaLines + "\n\n" + modelLines, fitCell, saveCell]
}
