/// One step of a guided walkthrough, as the REPL shows and runs it.
public struct WalkthroughStep: Equatable, Sendable {
    /// The step's title.
    public let title: String
    /// What the step does and why, in a few lines.
    public let explanation: String
    /// The code as the user would type it.
    public let code: String
    /// The cell Enter runs, or nil when the step only shows something (a part of a task file).
    public let cell: String?
    /// Whether the step's point is the error its cell ends with: the walkthrough then goes on
    /// after the error instead of stopping.
    public let failsOnPurpose: Bool

    /// A step with all its parts.
    public init(title: String, explanation: String, code: String, cell: String?, failsOnPurpose: Bool) {
        self.title = title
        self.explanation = explanation
        self.code = code
        self.cell = cell
        self.failsOnPurpose = failsOnPurpose
    }
}

/// A guided walkthrough of a tutorial: its steps and which one comes next.
///
/// The REPL shows the step at `position` and runs it when the user presses Enter on an empty
/// line; `:skip` moves on without running it and `:back` shows the one before again. Between
/// steps the REPL is the ordinary REPL, in the same session, so the user can look at what a
/// step made. Without a terminal, `runStraightThrough` runs every step in order.
public struct Walkthrough: Equatable, Sendable {
    /// What the walkthrough is called, e.g. "Tutorial 5".
    public let name: String
    /// What it is about, e.g. "training a model on two pods, with secure aggregation".
    public let title: String
    /// What the tutorial is about, shown before the first step.
    public let introduction: String
    /// The steps, in order.
    public let steps: [WalkthroughStep]
    /// The index of the step shown and not yet run or skipped; `steps.count` once all are done.
    public private(set) var position = 0

    /// A walkthrough of `steps`, at its first step.
    public init(name: String, title: String, introduction: String, steps: [WalkthroughStep]) {
        self.name = name
        self.title = title
        self.introduction = introduction
        self.steps = steps
    }

    /// The step shown, or nil once every step is done.
    public var current: WalkthroughStep? {
        position < steps.count ? steps[position] : nil
    }

    /// Whether every step was run or skipped.
    public var isFinished: Bool {
        position >= steps.count
    }

    /// Moves to the next step (or past the last one).
    public mutating func advance() {
        position = min(position + 1, steps.count)
    }

    /// Moves to the step before; false (and no move) at the first step.
    @discardableResult
    public mutating func goBack() -> Bool {
        guard position > 0 else { return false }
        position -= 1
        return true
    }
}

/// How a walkthrough run straight through ended.
public enum WalkthroughOutcome: Equatable, Sendable {
    /// Every step did what it should: ran, or failed on purpose.
    case completed
    /// The step with this number (1-based) failed when it should not have, or ran when it
    /// should have failed; the steps after it did not run.
    case failed(step: Int)
    /// Ctrl-C stopped a step.
    case interrupted
}

extension Walkthrough {
    /// Runs every step in order with `engine`, writing each step's explanation and code to
    /// `output` before the engine writes what the step prints: the walkthrough for standard
    /// input that is not a terminal. It stops at the first step that does not do what it should.
    public func runStraightThrough(engine: any REPLEngine, output: any REPLOutput, style: TerminalStyle,
                                   interrupt: InterruptFlag = InterruptFlag()) async -> WalkthroughOutcome {
        output.write(WalkthroughText.opening(self, interactive: false, style: style))
        for (index, step) in steps.enumerated() {
            output.write(WalkthroughText.step(step, number: index + 1, of: steps.count, interactive: false, style: style))
            guard let cell = step.cell else { continue }
            interrupt.clear()
            let outcome = await engine.run(cell: cell, interrupt: interrupt)
            switch (outcome, step.failsOnPurpose) {
            case (.accepted, false):
                continue
            case (.rejected, true):
                output.write(WalkthroughText.expectedFailure(style: style))
            case (.accepted, true):
                output.write(WalkthroughText.unexpectedSuccess(number: index + 1, of: steps.count, style: style))
                return .failed(step: index + 1)
            case (.rejected, false):
                output.write(WalkthroughText.stopped(number: index + 1, of: steps.count, title: step.title, style: style))
                return .failed(step: index + 1)
            case (.interrupted, _):
                return .interrupted
            }
        }
        output.write(WalkthroughText.ending(self, interactive: false, style: style))
        return .completed
    }
}
