import Foundation

/// A tutorial as a Jupyter notebook (nbformat 4.5) that runs with the bf kernel: what
/// `bf jupyter notebook N` writes.
///
/// The notebook opens with a markdown cell of the title and introduction; then each step is a
/// markdown cell (the step's title as a heading, and its explanation) followed by a code cell
/// of the code the walkthrough runs. A step that fails on purpose gets the cell tag
/// `raises-exception`, so that Jupyter's "run all" and nbclient go on past its error, as
/// `bf tutorial` does. Cell ids are stable (`step-3-code`), so writing a tutorial twice gives
/// the same file.
///
/// A task-file tutorial (`Tutorial.Kind.taskFile`) becomes the notebook its walkthrough is:
/// the steps that show a part of the file show its YAML in the markdown cell, with no code
/// cell (YAML is not bf), and the last step's code cell runs the whole task as the bf
/// statements the file stands for.
public enum TutorialNotebook {
    /// The tag that tells nbclient and JupyterLab that a cell's error is expected.
    public static let raisesExceptionTag = "raises-exception"

    /// The file `bf jupyter notebook N` writes when not told where: `tutorial-N.ipynb`.
    public static func defaultFileName(for tutorial: Tutorial) -> String {
        "tutorial-\(tutorial.number).ipynb"
    }

    /// One cell of the notebook.
    struct Cell: Equatable {
        enum Kind: String { case markdown, code }
        let kind: Kind
        /// Unique in the notebook; letters, digits and '-' only, as nbformat 4.5 requires.
        let id: String
        let source: String
        let tags: [String]

        var json: [String: Any] {
            var cell: [String: Any] = ["cell_type": kind.rawValue, "id": id, "source": TutorialNotebook.lines(source)]
            cell["metadata"] = tags.isEmpty ? [String: Any]() : ["tags": tags]
            if kind == .code {
                cell["execution_count"] = NSNull()
                cell["outputs"] = [Any]()
            }
            return cell
        }
    }

    /// The cells of `tutorial`, in order.
    static func cells(of tutorial: Tutorial) -> [Cell] {
        var introduction = "# Tutorial \(tutorial.number): \(tutorial.title)\n\n" + markdown(tutorial.introduction)
        if tutorial.kind == .taskFile {
            introduction += "\n\nThis tutorial is a task file (`\(tutorial.fileName)`): each step shows a part of it in YAML, "
                + "and the last step runs the whole task as the bf statements it stands for."
        }
        var cells = [Cell(kind: .markdown, id: "introduction", source: introduction, tags: [])]
        for (index, step) in tutorial.steps.enumerated() {
            let number = index + 1
            var text = "## Step \(number): \(step.title)\n\n"
            if step.failsOnPurpose {
                text += "*This step fails on purpose: the error it shows is its point.*\n\n"
            }
            text += markdown(step.explanation)
            if step.cell == nil {
                text += "\n\n```yaml\n\(step.code)\n```"
            }
            cells.append(Cell(kind: .markdown, id: "step-\(number)-explanation", source: text, tags: []))
            if let code = step.cell {
                cells.append(Cell(kind: .code, id: "step-\(number)-code", source: code,
                                  tags: step.failsOnPurpose ? [raisesExceptionTag] : []))
            }
        }
        return cells
    }

    /// The notebook of `tutorial` as nbformat 4.5 JSON laid out as Jupyter writes it
    /// (`JupyterJSON`), for a bf of `version`.
    public static func json(for tutorial: Tutorial, version: String) throws -> Data {
        let notebook: [String: Any] = [
            "cells": cells(of: tutorial).map(\.json),
            "metadata": [
                "kernelspec": JupyterLanguage.kernelspec,
                "language_info": JupyterLanguage.info(version: version),
            ] as [String: Any],
            "nbformat": 4,
            "nbformat_minor": 5,
        ]
        return Data(try JupyterJSON.text(notebook).utf8)
    }

    /// Text as nbformat stores a cell's source: a list of lines, each but the last with its
    /// line break.
    static func lines(_ text: String) -> [String] {
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return parts.enumerated().compactMap { index, line in
            index == parts.count - 1 ? (line.isEmpty ? nil : line) : line + "\n"
        }
    }

    /// A tutorial's comment text as Markdown: its paragraphs as they are, and its indented
    /// lines (commands to type, such as `bf run …`) as a code block.
    static func markdown(_ text: String) -> String {
        var result: [String] = []
        var code: [String] = []
        func endCode() {
            guard !code.isEmpty else { return }
            let indent = code.map { $0.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
            if let last = result.last, !last.isEmpty { result.append("") }
            result += ["```"] + code.map { String($0.dropFirst(indent)) } + ["```"]
            code = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                code.append(line)
            } else {
                if !code.isEmpty {
                    endCode()
                    if !line.isEmpty { result.append("") }
                }
                result.append(line)
            }
        }
        endCode()
        return result.joined(separator: "\n")
    }
}
