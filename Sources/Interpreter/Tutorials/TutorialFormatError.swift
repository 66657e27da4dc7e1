/// Why a tutorial script does not follow the step convention of `Tutorial`: each case names the
/// file and line at fault and says how to write it.
public enum TutorialFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name does not start with the tutorial's number and '_'.
    case fileNameWithoutNumber(file: String)
    /// The first line is not `# Tutorial N: title`.
    case missingTitle(file: String, number: Int)
    /// The title line's number is not the file name's.
    case numberMismatch(file: String, stated: String, number: Int)
    /// A line that is neither blank nor a comment comes before the first step.
    case codeBeforeFirstStep(file: String, line: Int)
    /// The file has no `## Step:` header.
    case noSteps(file: String)
    /// A line starts with `## Step` but is not one of the two headers.
    case malformedHeader(file: String, line: Int, text: String)
    /// A step header has no title.
    case untitledStep(file: String, line: Int)
    /// A step has no comment lines after its header.
    case stepWithoutExplanation(file: String, line: Int, title: String)
    /// A step has no code.
    case stepWithoutCode(file: String, line: Int, title: String)
    /// A `#>` line in a step that is not marked as failing on purpose.
    case walkthroughOnlyCodeInOrdinaryStep(file: String, line: Int)
    /// Code that `bf run` would run (and stop at) in a step that fails on purpose.
    case runnableCodeInFailingStep(file: String, line: Int)
    /// A task file's step marked as failing on purpose.
    case failingStepInTaskFile(file: String, line: Int)
    /// A task file's last step has YAML of its own.
    case taskFileLastStepWithCode(file: String, line: Int)
    /// A task file tutorial is not a valid task file.
    case invalidTaskFile(file: String, problems: String)

    /// What is wrong, where, and how to write it instead.
    public var description: String {
        switch self {
        case let .fileNameWithoutNumber(file):
            "the tutorial file '\(file)' must be named after its number, like '05_training_a_model_on_two_pods.bf'"
        case let .missingTitle(file, number):
            "\(file):1: a tutorial starts with its title line; write '# Tutorial \(number): what it shows'"
        case let .numberMismatch(file, stated, number):
            "\(file):1: the title says tutorial '\(stated)' but the file name says \(number); make them agree"
        case let .codeBeforeFirstStep(file, line):
            "\(file):\(line): code before the first step; put it in a step under '## Step: title'"
        case let .noSteps(file):
            "'\(file)' has no steps; begin each with '## Step: title' followed by its explanation in '#' lines"
        case let .malformedHeader(file, line, text):
            "\(file):\(line): '\(text)' is not a step header; write '## Step: title' or '## Step (fails on purpose): title'"
        case let .untitledStep(file, line):
            "\(file):\(line): the step has no title; write it after '## Step:'"
        case let .stepWithoutExplanation(file, line, title):
            "\(file):\(line): step '\(title)' has no explanation; add '#' lines right after its header"
        case let .stepWithoutCode(file, line, title):
            "\(file):\(line): step '\(title)' has no code; add it after the explanation, or merge the step into another"
        case let .walkthroughOnlyCodeInOrdinaryStep(file, line):
            "\(file):\(line): '#>' code belongs to a step that fails on purpose; mark its header '## Step (fails on purpose):' or remove the '#>'"
        case let .runnableCodeInFailingStep(file, line):
            "\(file):\(line): a step that fails on purpose must write its code behind '#>', so that 'bf run' does not stop at it"
        case let .failingStepInTaskFile(file, line):
            "\(file):\(line): a task file's steps only show its parts and cannot fail on purpose; use '## Step:'"
        case let .taskFileLastStepWithCode(file, line):
            "\(file):\(line): a task file's last step runs the whole task and has no YAML of its own; move its YAML into the step before"
        case let .invalidTaskFile(file, problems):
            "'\(file)' is not a valid task file:\n\(problems)"
        }
    }
}
