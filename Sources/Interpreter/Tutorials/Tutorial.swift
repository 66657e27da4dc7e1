import Foundation
import Language

/// One tutorial read from its script: its number, title, introduction and steps, for the guided
/// walkthrough `bf tutorial N`.
///
/// Design note. The tutorial scripts in `scripts/tutorials` are the one source of truth: `bf run`
/// runs them whole, and the walkthrough reads its steps from their comments. The convention
/// (also in `scripts/tutorials/README.md`):
///
/// ```
/// # Tutorial 5: training a model on two pods, with secure aggregation.   <- first line: number and title
/// # Introduction lines, shown when the walkthrough starts.               <- the preamble: comments only
///
/// ## Step: Permissions: ask both pods                                    <- a step begins
/// # What the step does and why, in a few lines. A lone '#'              <- its explanation: the comment
/// # separates paragraphs.                                                   lines right after the header
/// check_access(["census-income-demo", "census-income-yaml-demo"])        <- its code, up to the next step
///
/// ## Step (fails on purpose): Data structures: a pod that disagrees      <- a step whose point is its error
/// # Why it fails, and what the error says.
/// #> combine_pod_schemas(["census-income-demo", "census-income-other"]) <- its code, behind '#>' so that
///                                                                           `bf run` skips it
/// ```
///
/// A step's code runs as one REPL cell. In a task file (`.yaml`), the steps' code is YAML and is
/// shown, not run; the file's last step has no YAML of its own and runs the whole task, as the
/// bf statements it stands for. `parse` checks all of this and says where a script breaks it.
public struct Tutorial: Sendable, Equatable {
    /// What kind of file the tutorial is.
    public enum Kind: Sendable, Equatable {
        /// A `.bf` script: every step runs its code.
        case script
        /// A task file (`.yaml`): the steps show its parts; the last step runs the whole task.
        case taskFile
    }

    /// One step: an explanation, the code the user would type, and what runs.
    public struct Step: Sendable, Equatable {
        /// The title after `## Step:`.
        public var title: String
        /// The explanation, lines joined by newlines; an empty line separates paragraphs.
        public var explanation: String
        /// The code as the user would type it (YAML for the parts of a task file).
        public var code: String
        /// The cell the step runs, or nil when the step only shows a part of a task file.
        public var cell: String?
        /// Whether the step's point is the error its code ends with.
        public var failsOnPurpose: Bool
        /// The line of the step's header in its file (1-based).
        public var line: Int

        /// A step with all its parts.
        public init(title: String, explanation: String, code: String, cell: String?, failsOnPurpose: Bool, line: Int) {
            self.title = title
            self.explanation = explanation
            self.code = code
            self.cell = cell
            self.failsOnPurpose = failsOnPurpose
            self.line = line
        }
    }

    /// The tutorial's number, from its file name (`05_…` is 5).
    public let number: Int
    /// The title from the first line, without `Tutorial N:` and the final period.
    public let title: String
    /// The script's file name, e.g. `05_training_a_model_on_two_pods.bf`.
    public let fileName: String
    /// The preamble's comment lines after the title, joined by newlines.
    public let introduction: String
    /// A script or a task file.
    public let kind: Kind
    /// The steps, in file order; never empty.
    public let steps: [Step]

    static let stepMarker = "## Step"
    static let plainHeader = "## Step:"
    static let failingHeader = "## Step (fails on purpose):"
    static let walkthroughOnlyMarker = "#>"

    /// Reads the tutorial in `text`, the content of the file `fileName` (whose name starts with
    /// its number and whose extension says whether it is a script or a task file).
    public static func parse(_ text: String, fileName: String) throws(TutorialFormatError) -> Tutorial {
        let number = try number(of: fileName)
        let kind: Kind = TaskFile.isTaskFile(fileName) ? .taskFile : .script
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first else { throw .missingTitle(file: fileName, number: number) }
        let title = try self.title(from: first, fileName: fileName, number: number)

        var introduction: [String] = []
        var index = 1
        while index < lines.count, !lines[index].hasPrefix(stepMarker) {
            let line = lines[index]
            guard line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") else {
                throw .codeBeforeFirstStep(file: fileName, line: index + 1)
            }
            introduction.append(commentText(line))
            index += 1
        }

        var drafts: [StepDraft] = []
        while index < lines.count {
            var draft = try header(lines[index], fileName: fileName, line: index + 1)
            guard kind == .script || !draft.failsOnPurpose else { throw .failingStepInTaskFile(file: fileName, line: index + 1) }
            index += 1
            while index < lines.count, isExplanation(lines[index]) {
                draft.explanation.append(commentText(lines[index]))
                index += 1
            }
            while index < lines.count, !lines[index].hasPrefix(stepMarker) {
                draft.code.append(try codeLine(lines[index], of: draft, fileName: fileName, line: index + 1))
                index += 1
            }
            drafts.append(draft)
        }
        guard !drafts.isEmpty else { throw .noSteps(file: fileName) }
        let steps = try kind == .script ? scriptSteps(drafts, fileName: fileName)
                                        : taskFileSteps(drafts, text: text, fileName: fileName)
        return Tutorial(number: number, title: title, fileName: fileName,
                        introduction: trimmedBlankLines(introduction).joined(separator: "\n"), kind: kind, steps: steps)
    }

    /// A step as read, before its kind decides what it runs.
    private struct StepDraft {
        var title: String
        var failsOnPurpose: Bool
        var line: Int
        var explanation: [String] = []
        var code: [String] = []
    }

    private static func number(of fileName: String) throws(TutorialFormatError) -> Int {
        let digits = fileName.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, fileName.dropFirst(digits.count).hasPrefix("_"), let number = Int(digits), number > 0 else {
            throw .fileNameWithoutNumber(file: fileName)
        }
        return number
    }

    // title -> '# Tutorial' NUMBER ':' TEXT
    private static func title(from line: String, fileName: String, number: Int) throws(TutorialFormatError) -> String {
        let prefix = "# Tutorial "
        guard line.hasPrefix(prefix), let colon = line.firstIndex(of: ":") else {
            throw .missingTitle(file: fileName, number: number)
        }
        let stated = line[line.index(line.startIndex, offsetBy: prefix.count)..<colon]
        guard Int(stated) == number else {
            throw .numberMismatch(file: fileName, stated: String(stated), number: number)
        }
        var title = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if title.hasSuffix(".") { title.removeLast() }
        guard !title.isEmpty else { throw .missingTitle(file: fileName, number: number) }
        return title
    }

    // header -> '## Step:' TITLE | '## Step (fails on purpose):' TITLE
    private static func header(_ text: String, fileName: String, line: Int) throws(TutorialFormatError) -> StepDraft {
        let failsOnPurpose: Bool
        let rest: Substring
        if text.hasPrefix(plainHeader) {
            failsOnPurpose = false
            rest = text.dropFirst(plainHeader.count)
        } else if text.hasPrefix(failingHeader) {
            failsOnPurpose = true
            rest = text.dropFirst(failingHeader.count)
        } else {
            throw .malformedHeader(file: fileName, line: line, text: text)
        }
        let title = rest.trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty else { throw .untitledStep(file: fileName, line: line) }
        return StepDraft(title: title, failsOnPurpose: failsOnPurpose, line: line)
    }

    private static func isExplanation(_ line: String) -> Bool {
        line.hasPrefix("#") && !line.hasPrefix(walkthroughOnlyMarker) && !line.hasPrefix(stepMarker)
    }

    /// A line of a step's code: plain in an ordinary step; behind `#>` (or blank) in a step
    /// that fails on purpose, so that `bf run` never runs it.
    private static func codeLine(_ text: String, of step: StepDraft, fileName: String, line: Int)
        throws(TutorialFormatError) -> String
    {
        let isBlank = text.trimmingCharacters(in: .whitespaces).isEmpty
        if text.hasPrefix(walkthroughOnlyMarker) {
            guard step.failsOnPurpose else { throw .walkthroughOnlyCodeInOrdinaryStep(file: fileName, line: line) }
            let code = text.dropFirst(walkthroughOnlyMarker.count)
            return String(code.hasPrefix(" ") ? code.dropFirst() : code)
        }
        guard !step.failsOnPurpose || isBlank else { throw .runnableCodeInFailingStep(file: fileName, line: line) }
        return text
    }

    private static func scriptSteps(_ drafts: [StepDraft], fileName: String) throws(TutorialFormatError) -> [Step] {
        var steps: [Step] = []
        for draft in drafts {
            let explanation = try explanation(of: draft, fileName: fileName)
            let code = trimmedBlankLines(draft.code).joined(separator: "\n")
            guard !code.isEmpty else { throw .stepWithoutCode(file: fileName, line: draft.line, title: draft.title) }
            steps.append(Step(title: draft.title, explanation: explanation, code: code, cell: code,
                              failsOnPurpose: draft.failsOnPurpose, line: draft.line))
        }
        return steps
    }

    private static func taskFileSteps(_ drafts: [StepDraft], text: String, fileName: String)
        throws(TutorialFormatError) -> [Step]
    {
        var steps: [Step] = []
        for (position, draft) in drafts.enumerated() {
            let explanation = try explanation(of: draft, fileName: fileName)
            let code = trimmedBlankLines(draft.code).joined(separator: "\n")
            if position == drafts.count - 1 {
                guard code.isEmpty else { throw .taskFileLastStepWithCode(file: fileName, line: draft.line) }
            } else {
                guard !code.isEmpty else { throw .stepWithoutCode(file: fileName, line: draft.line, title: draft.title) }
            }
            steps.append(Step(title: draft.title, explanation: explanation, code: code, cell: nil,
                              failsOnPurpose: false, line: draft.line))
        }
        let task: TaskFile
        do {
            task = try TaskFile.parse(SourceFile(name: fileName, text: text))
        } catch {
            throw .invalidTaskFile(file: fileName, problems: error.rendered())
        }
        let statements = task.script(name: fileName).text.trimmingCharacters(in: .newlines)
        steps[steps.count - 1].code = statements
        steps[steps.count - 1].cell = statements
        return steps
    }

    private static func explanation(of draft: StepDraft, fileName: String) throws(TutorialFormatError) -> String {
        let lines = trimmedBlankLines(draft.explanation)
        guard !lines.isEmpty else { throw .stepWithoutExplanation(file: fileName, line: draft.line, title: draft.title) }
        return lines.joined(separator: "\n")
    }

    /// A comment line's text: `# text` is `text`, a lone `#` an empty line.
    private static func commentText(_ line: String) -> String {
        guard line.hasPrefix("#") else { return "" }
        let text = line.dropFirst()
        let kept = text.hasPrefix(" ") ? text.dropFirst() : text
        return String(kept.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    private static func trimmedBlankLines(_ lines: [String]) -> [String] {
        let isBlank = { (line: String) in line.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let first = lines.firstIndex(where: { !isBlank($0) }), let last = lines.lastIndex(where: { !isBlank($0) }) else {
            return []
        }
        return Array(lines[first...last])
    }
}
